// The page: a Telegram-like chat where you act as any person of the try-out.
import { act, listen, read } from "./api.js";
import { Chats } from "./chats.js";
import { chatItem, el, menuNode, messageNode } from "./render.js";

const $ = (id) => document.getElementById(id);
const chats = new Chats();
const page = {
  you: "pro", chatId: null, reply: null, dismissed: new Set(),
  mine: new Set(), answers: new Map(), clockAt: 0, drawing: false,
  drawn: { chats: new Map(), messages: new Map() },
};

// --- live updates ----------------------------------------------------------------------------
listen({
  entry: (view) => (view.kind === "callback_answer" ? answered(view) : changed(view)),
  status: (status) => {
    chats.status = status;
    page.clockAt = performance.now();
    page.chatId = pickChat(page.chatId);
    fillPeople();
    draw();
  },
  reset: () => {
    chats.clear();
    Object.assign(page, { chatId: null, reply: null, dismissed: new Set(), mine: new Set() });
    page.answers.clear();
  },
});

function changed(view) {
  chats.apply(view);
  draw();
}

function answered(view) {
  if (page.mine.has(view.query_id)) show(view);
  else page.answers.set(view.query_id, view);
}

function pickChat(chatId) {
  const visible = chats.visibleTo(page.you).map((chat) => chat.id);
  const latest = chatId === null ? null : chats.latest(chatId);
  return visible.includes(latest) ? latest : visible[0];
}

// --- drawing (batched: many entries can arrive at once) ---------------------------------------
function draw() {
  if (page.drawing || !chats.status) return;
  page.drawing = true;
  setTimeout(() => {
    page.drawing = false;
    drawChats();
    drawMessages();
    drawReply();
    drawFaults();
  }, 0);
}

// A draw keeps every node whose content did not change: a click that lands while entries
// arrive must reach the node it was aimed at, not one that a redraw has just replaced.
// items: [key, build] pairs, the key saying everything the node shows.
function drawList(kind, items) {
  const before = page.drawn[kind];
  const now = new Map();
  const nodes = items.map(([key, build]) => {
    const node = before.get(key) || build();
    now.set(key, node);
    return node;
  });
  page.drawn[kind] = now;
  return nodes;
}

function replaceIfChanged(box, nodes) {
  const same = nodes.length === box.children.length
    && nodes.every((node, index) => box.children[index] === node);
  if (!same) box.replaceChildren(...nodes);
}

function drawChats() {
  const select = (id) => { page.chatId = id; closeMenu(); draw(); };
  const items = chats.visibleTo(page.you).map((chat) => {
    const active = chat.id === page.chatId;
    return [JSON.stringify([chat, active]), () => chatItem(chat, active, select)];
  });
  replaceIfChanged($("chats"), drawList("chats", items));
  const chat = chats.visibleTo(page.you).find((item) => item.id === page.chatId);
  $("chat-title").replaceChildren(el("span", { dir: "auto" }, chat?.title || ""), " ",
    el("span", { class: "kind" }, chat ? `· ${chat.kind}` : ""));
}

function drawMessages() {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const ctx = {
    you: chats.person(page.you), time: timeText, quote: (chat, id) => chats.quote(chat, id),
    tap, replyTo: (view) => { page.reply = view; drawReply(); $("text").focus(); },
  };
  const shown = chats.shown(page.chatId);
  const items = shown.map((view) => [
    JSON.stringify([page.you, chats.status.language, chats.status.timezone, view,
      view.reply_to && chats.quote(view.chat_id, view.reply_to)]),
    () => messageNode(view, ctx)]);
  if (chats.group(page.chatId) && shown.every((view) => view.service)) {
    items.push([`hint ${chats.group(page.chatId).title}`, hint]);
  }
  replaceIfChanged(box, drawList("messages", items));
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function hint() {
  const title = chats.group(page.chatId).title;
  return el("div", { class: "hint" }, "Start here: as the professional, send ",
    el("code", { dir: "auto" }, `/neworder ${title}`), ", then, as the client, tap the card's button.");
}

// A bot question addressed to you puts the composer in reply mode, as ForceReply does.
function drawReply() {
  const question = chats.question(page.chatId, page.you, page.dismissed);
  if (question && (!page.reply || page.reply.chat_id !== question.chat_id)) page.reply = question;
  if (page.reply && !chats.lineage(page.chatId).includes(page.reply.chat_id)) page.reply = null;
  $("reply-bar").hidden = !page.reply;
  $("composer").classList.toggle("replying", Boolean(page.reply));
  $("reply-text").textContent = page.reply ? page.reply.text || "" : "";
  $("text").placeholder = page.reply?.force_reply?.placeholder || "Message";
}

function drawFaults() {
  const group = chats.group(page.chatId);
  const person = chats.person(page.you);
  $("fault-storm").disabled = !group;
  $("fault-upgrade").disabled = !group || group.type !== "group";
  $("fault-bot").disabled = !group;
  $("fault-bot").textContent = group && !group.bot_present
    ? "Add the bot back to this group" : "Remove the bot from this group";
  $("fault-block").textContent = `${person.blocked ? "Unblock" : "Block"} the bot (as ${person.name})`;
  const { storm_left: left, answered_429: answered } = chats.status;
  $("fault-info").textContent = `429 answers so far: ${answered}` + (left ? ` · storm: ${left} to come` : "");
  $("flavour").textContent = `${chats.status.framework} · ${chats.status.language}`;
}

function fillPeople() {
  const select = $("you");
  select.replaceChildren(...chats.status.people.map((person) => el("option", {
    value: person.role, selected: person.role === page.you,
  }, `${person.name} · ${person.role} (${person.language})`)));
}

// --- time ------------------------------------------------------------------------------------
function format(iso, options) {
  const { language, timezone } = chats.status;
  return new Intl.DateTimeFormat(language, { timeZone: timezone, ...options }).format(new Date(iso));
}

function timeText(iso) {
  return format(iso, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

function tick() {
  if (!chats.status) return;
  const now = Date.parse(chats.status.clock) + (performance.now() - page.clockAt);
  $("clock").textContent = format(new Date(now).toISOString(), {
    weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
}
setInterval(tick, 1000);

// --- acting ----------------------------------------------------------------------------------
async function attempt(work) {
  try {
    return await work();
  } catch (error) {
    toast(error.message, true);
    return undefined;
  }
}

async function tap(view, data) {
  const queryId = await attempt(() => act("tap", {
    chat_id: view.chat_id, message_id: view.message_id, as: page.you, data,
  }));
  if (queryId === undefined) return;
  page.mine.add(queryId);
  if (page.answers.has(queryId)) show(page.answers.get(queryId));
}

// A callback answer as Telegram shows it: nothing, a passing toast, or an alert to dismiss.
function show(answer) {
  if (!answer.text) return;
  if (!answer.show_alert) {
    toast(answer.text);
    return;
  }
  $("alert-text").textContent = answer.text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

function toast(text, error = false) {
  const box = $("toast");
  box.textContent = text;
  box.classList.toggle("error", error);
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 3500);
}

async function send(text) {
  const reply = page.reply;
  if (reply) page.dismissed.add(`${reply.chat_id}:${reply.message_id}`);
  page.reply = null;
  drawReply();
  await attempt(() => act("post", {
    chat_id: reply ? reply.chat_id : page.chatId, as: page.you, text, reply_to: reply?.message_id,
  }));
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  send(text);
});

$("reply-cancel").addEventListener("click", () => {
  if (page.reply) page.dismissed.add(`${page.reply.chat_id}:${page.reply.message_id}`);
  page.reply = null;
  drawReply();
});

$("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });

$("you").addEventListener("change", (event) => {
  page.you = event.target.value;
  page.reply = null;
  page.chatId = pickChat(page.chatId);
  closeMenu();
  draw();
});

// The command menu: Telegram sends a command as soon as it is picked.
function closeMenu() {
  $("menu").hidden = true;
}

$("menu-button").addEventListener("click", async () => {
  if (!$("menu").hidden) return closeMenu();
  const commands = await attempt(() => read(`menu?as=${page.you}&chat_id=${page.chatId}`));
  if (!commands) return undefined;
  $("menu").replaceChildren(...menuNode(commands, (command) => { closeMenu(); send(`/${command}`); }));
  $("menu").hidden = false;
  return undefined;
});

// --- the bar: clock, faults, groups, reset -----------------------------------------------------
function clockStep(step) {
  return async () => {
    const moved = await attempt(() => act("clock", { step }));
    if (moved === false) toast("Nothing is scheduled later");
  };
}
$("plus-hour").addEventListener("click", clockStep("hour"));
$("plus-day").addEventListener("click", clockStep("day"));
$("next-due").addEventListener("click", clockStep("next"));

function fault(kind, done) {
  return async () => {
    $("faults").open = false;
    const result = await attempt(() => act("fault", { kind, chat_id: page.chatId, as: page.you }));
    if (result !== undefined) toast(done(result));
  };
}
$("fault-storm").addEventListener("click", fault("storm",
  () => "429 storm: the next sends to this chat are answered 429 Too Many Requests"));
$("fault-upgrade").addEventListener("click", fault("upgrade", (id) => {
  page.chatId = id;
  return "The group is now a supergroup";
}));
$("fault-bot").addEventListener("click", fault("bot",
  (present) => (present ? "The bot was added back to the group" : "The bot was removed from the group")));
$("fault-block").addEventListener("click", fault("block",
  (blocked) => `${chats.person(page.you).name} ${blocked ? "blocked" : "unblocked"} the bot`));

$("new-group").addEventListener("click", async () => {
  const id = await attempt(() => act("groups"));
  if (id !== undefined) page.chatId = id;
  draw();
});

$("reset").addEventListener("click", () => attempt(() => act("reset")));
