// What each person sees: their chats, each chat's messages in order, and which bot question
// (ForceReply) waits for their answer.

export class Chats {
  constructor() {
    this.messages = new Map(); // chat id -> Map(message id -> view), in the order they came
    this.status = null;
  }

  clear() {
    this.messages.clear();
  }

  of(chatId) {
    if (!this.messages.has(chatId)) this.messages.set(chatId, new Map());
    return this.messages.get(chatId);
  }

  // A message, an edit (in place, marked edited) or a deletion.
  apply(view) {
    const messages = this.of(view.chat_id);
    if (view.kind === "delete") {
      messages.delete(view.message_id);
      return;
    }
    const before = messages.get(view.message_id);
    messages.set(view.message_id, { ...view, edited: view.kind === "edit" || before?.edited });
  }

  person(role) {
    return this.status.people.find((person) => person.role === role);
  }

  group(chatId) {
    return this.status.groups.find((group) => group.id === chatId);
  }

  // The groups (an upgraded group shows as its supergroup) and the person's own private chat.
  visibleTo(role) {
    const person = this.person(role);
    const groups = this.status.groups.filter((group) => !group.migrated_to).map((group) => ({
      id: group.id, title: group.title, kind: group.type === "supergroup" ? "supergroup" : "group",
    }));
    const own = { id: person.id, title: "orderbot", kind: `private chat of ${person.name}` };
    return [...groups, own].map((chat) => ({ ...chat, preview: this.preview(chat.id) }));
  }

  // The chat and, for a supergroup, the group it came from (its history comes first).
  lineage(chatId) {
    const ids = [chatId];
    let group = this.group(chatId);
    while (group && group.migrated_from) {
      ids.unshift(group.migrated_from);
      group = this.group(group.migrated_from);
    }
    return ids;
  }

  shown(chatId) {
    return this.lineage(chatId).flatMap((id) => [...this.of(id).values()]);
  }

  latest(chatId) {
    let id = chatId;
    while (this.group(id)?.migrated_to) id = this.group(id).migrated_to;
    return id;
  }

  preview(chatId) {
    const last = this.shown(chatId).at(-1);
    if (!last) return "";
    return `${last.sender.name}: ${last.service || last.text || last.document?.file_name || ""}`;
  }

  quote(chatId, messageId) {
    const message = this.of(chatId).get(messageId);
    return message ? `${message.sender.name}: ${message.text || ""}` : null;
  }

  // The newest bot question addressed to this person and not answered by them yet.
  question(chatId, role, dismissed) {
    const person = this.person(role);
    const shown = this.shown(chatId);
    for (let index = shown.length - 1; index >= 0; index -= 1) {
      const view = shown[index];
      if (!view.force_reply || !this.addressed(view, person)) continue;
      const key = `${view.chat_id}:${view.message_id}`;
      const answered = shown.slice(index + 1).some((later) =>
        later.sender.role === role && later.reply_to === view.message_id);
      return answered || dismissed.has(key) ? null : view;
    }
    return null;
  }

  addressed(view, person) {
    if (!view.force_reply.selective) return true;
    if ((view.text || "").includes(`@${person.username}`)) return true;
    const original = view.reply_to && this.of(view.chat_id).get(view.reply_to);
    return Boolean(original && original.sender.role === person.role);
  }
}
