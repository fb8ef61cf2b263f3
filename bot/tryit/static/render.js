// Building the page's pieces: messages, the chat list, the command menu.

export const ROLE_NAMES = {
  pro: "professional", client: "client", stranger: "group member, not in the order",
  moderator: "moderator", bot: "bot", member: "group member",
};

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// ctx: { you (person), time(iso) -> text, quote(chatId, messageId) -> text, tap(view, data),
//        replyTo(view) }
export function messageNode(view, ctx) {
  if (view.service) return el("div", { class: "service", dir: "auto" }, view.service);
  const own = view.sender.role === ctx.you.role;
  const node = el("div", {
    class: `msg ${own ? "out" : "in"}`, "data-chat-id": view.chat_id,
    "data-message-id": view.message_id, "data-sender": view.sender.role,
  });
  node.append(senderLine(view));
  const quoted = view.reply_to ? ctx.quote(view.chat_id, view.reply_to) : null;
  if (quoted) node.append(el("div", { class: "quote", dir: "auto" }, quoted));
  if (view.document) node.append(documentLink(view));
  if (view.text) node.append(textNode(view.text));
  if (view.buttons.length) node.append(keyboard(view, ctx));
  node.append(meta(view, ctx));
  return node;
}

function senderLine(view) {
  return el("div", { class: "sender" }, el("bdi", {}, view.sender.name), " ",
    el("span", { class: "role" }, `· ${ROLE_NAMES[view.sender.role] || view.sender.role}`));
}

// An @mention at the start stays out of the direction guess: dir="auto" skips <bdi>.
function textNode(text) {
  const body = el("div", { class: "text", dir: "auto" });
  const mention = text.match(/^@\w+/);
  if (mention) body.append(el("bdi", { class: "mention" }, mention[0]), text.slice(mention[0].length));
  else body.append(text);
  return body;
}

function documentLink(view) {
  const name = view.document.file_name || `document-${view.message_id}`;
  const size = view.document.size ? ` · ${Math.max(1, Math.round(view.document.size / 1024))} KB` : "";
  return el("a", {
    class: "document", href: `/api/documents/${view.chat_id}/${view.message_id}`, download: name,
  }, `📎 ${name}${size}`);
}

function keyboard(view, ctx) {
  const rows = view.buttons.map((row) => el("div", { class: "row" }, ...row.map((button) =>
    el("button", { type: "button", "data-data": button.data, onclick: () => ctx.tap(view, button.data) },
      button.text))));
  return el("div", { class: "keyboard" }, ...rows);
}

function meta(view, ctx) {
  return el("div", { class: "meta" },
    el("button", { type: "button", class: "reply", title: "Reply", "aria-label": "Reply",
      onclick: () => ctx.replyTo(view) }, "↩"),
    view.edited ? el("span", { class: "edited" }, "edited · ") : null,
    el("time", { datetime: view.time }, ctx.time(view.time)));
}

export function chatItem(chat, active, onselect) {
  return el("button", {
    type: "button", class: `chat-item${active ? " active" : ""}`, "data-chat-id": chat.id,
    onclick: () => onselect(chat.id),
  }, el("div", { class: "title", dir: "auto" }, chat.title),
  el("div", { class: "kind" }, chat.kind),
  el("div", { class: "preview", dir: "auto" }, chat.preview || ""));
}

export function menuNode(commands, onpick) {
  if (!commands.length) return [el("p", { class: "description" }, "No commands here")];
  return commands.map((command) => el("button", {
    type: "button", role: "menuitem", onclick: () => onpick(command.command),
  }, el("span", { class: "command" }, `/${command.command}`),
  el("span", { class: "description", dir: "auto" }, command.description)));
}
