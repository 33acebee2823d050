/**
 * The clinic's chat widget. A clinic page embeds it with one tag:
 *
 *   <script src="https://ASSISTANT/widget/widget.js" data-server-url="https://RASA" data-clinic-name="..."
 *           data-clinic-phone="+1 512-555-0100" data-primary-color="#7b4b94" data-greeting="Hi!" defer></script>
 *
 * It talks to Rasa's Socket.IO channel (session_request/session_confirm, user_uttered/bot_uttered with
 * session_persistence), keeps the session id and the conversation in localStorage (a reload or a second tab
 * continues it), queues what the patient sends while the connection is down, and never inserts message text as
 * HTML: every message is built from text nodes, and only http(s) URLs become links.
 *
 * Optional attributes: data-socket-path (default /socket.io), data-storage-key (default clinic-chat).
 * Any element with a `data-clinic-chat-open` attribute opens the chat; `window.ClinicChat.open()` does too.
 */
import { io } from "socket.io-client";
import styles from "./widget.css";

const MAX_CHARS = 1000;
const WARN_CHARS = 900;
const HISTORY_LIMIT = 200;
const HISTORY_TTL_MS = 24 * 60 * 60 * 1000; // a conversation idle for a day starts afresh (shared computers)
const REPLY_TIMEOUT_MS = 30000;
const ORPHAN_REPLY_MS = 3000; // a reply the asking tab did not record by then is recorded by another tab
const MAX_QUICK_REPLIES = 10;
const DEFAULTS = {
  serverUrl: "http://localhost:5005",
  socketPath: "/socket.io",
  clinicName: "our clinic",
  clinicPhone: "",
  primaryColor: "#7b4b94",
  greeting: "Hi! How can I help you today?",
  storageKey: "clinic-chat",
};
const USER_EVENT = "user_uttered";
const BOT_EVENT = "bot_uttered";
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const NARROW = "(max-width: 479px)";

/* ---------- small helpers ---------- */

function randomId(bytes = 16) {
  const values = new Uint8Array(bytes);
  (window.crypto || window.msCrypto).getRandomValues(values);
  return Array.from(values, (v) => v.toString(16).padStart(2, "0")).join("");
}

/** An element with attributes and children; strings become text nodes (never HTML). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

function icon(pathData) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", pathData);
  svg.append(path);
  return svg;
}

const CHAT_ICON =
  "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z";
const CLOSE_ICON =
  "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z";

/** Appends `text` to `parent` as text nodes, with http(s) URLs as links. Nothing is parsed as HTML. */
function appendRichText(parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let candidate = match[0];
    while (/[.,;:!?)\]}'"]$/.test(candidate)) candidate = candidate.slice(0, -1);
    let url;
    try {
      url = new URL(candidate);
    } catch (error) {
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    parent.append(document.createTextNode(text.slice(last, match.index)));
    const link = h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer nofollow" }, candidate);
    link.append(h("span", { class: "cw-sr" }, " (opens in a new tab)"));
    parent.append(link);
    last = match.index + candidate.length;
  }
  parent.append(document.createTextNode(text.slice(last)));
}

/* Colors: pick text colors and a link color that reach WCAG AA (4.5:1) whatever brand color the page sets. */
function parseHex(color) {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((color || "").trim());
  if (!match) return null;
  let hex = match[1];
  if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}
const toHex = (rgb) => "#" + rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
const darken = (rgb, factor) => rgb.map((v) => v * factor);
const WHITE = [255, 255, 255];
const INK = [31, 29, 36];
const BOT_BG = [241, 238, 244];

function palette(color) {
  let primary = parseHex(color) || parseHex(DEFAULTS.primaryColor);
  let onPrimary = WHITE;
  if (contrast(primary, WHITE) < 4.5) {
    if (contrast(primary, INK) >= 4.5) onPrimary = INK;
    else while (contrast(primary, WHITE) < 4.5) primary = darken(primary, 0.92);
  }
  let accent = primary; // links, quick replies and focus rings on white and on the bot bubbles
  while (contrast(accent, BOT_BG) < 4.5 || contrast(accent, WHITE) < 4.5) accent = darken(accent, 0.92);
  return { primary: toHex(primary), onPrimary: toHex(onPrimary), accent: toHex(accent) };
}

function telHref(phone) {
  return "tel:" + phone.replace(/[^0-9+]/g, "");
}

/* Storage: localStorage when the browser allows it, else memory (the conversation then lasts one page). */
function makeStore(prefix) {
  const memory = new Map();
  let local = null;
  try {
    local = window.localStorage;
    local.setItem(`${prefix}:probe`, "1");
    local.removeItem(`${prefix}:probe`);
  } catch (error) {
    local = null;
  }
  const key = (name) => `${prefix}:${name}`;
  return {
    key,
    local,
    get(name, fallback) {
      try {
        const raw = local ? local.getItem(key(name)) : memory.get(name);
        return raw === null || raw === undefined ? fallback : JSON.parse(raw);
      } catch (error) {
        return fallback;
      }
    },
    set(name, value) {
      const raw = JSON.stringify(value);
      try {
        if (local) local.setItem(key(name), raw);
        else memory.set(name, raw);
      } catch (error) {
        memory.set(name, raw);
      }
    },
    remove(name) {
      try {
        if (local) local.removeItem(key(name));
      } catch (error) {
        /* storage unavailable */
      }
      memory.delete(name);
    },
  };
}

function tabStore() {
  try {
    return window.sessionStorage;
  } catch (error) {
    return null;
  }
}

function readConfig(script) {
  const data = (script && script.dataset) || {};
  const config = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS)) {
    if (typeof data[name] === "string" && data[name].trim()) config[name] = data[name].trim();
  }
  config.serverUrl = config.serverUrl.replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/i.test(config.serverUrl)) {
    console.error(`Clinic chat: data-server-url must be an http(s) URL, not "${config.serverUrl}".`);
    config.serverUrl = DEFAULTS.serverUrl;
  }
  return config;
}

/* ---------- the widget ---------- */

function createWidget(config) {
  const TAB = randomId(8); // this page: it owns the replies to the messages it sent
  const store = makeStore(config.storageKey);
  const perTab = tabStore();
  const colors = palette(config.primaryColor);
  const assistantName = `${config.clinicName} assistant`;

  let sessionId = null;
  let socket = null;
  let ready = false; // connected and the session confirmed: messages can go out
  let everConnected = false;
  let connection = "idle";
  let replyTimer = null;
  const rendered = new Map(); // message id -> row element

  /* ----- conversation state (localStorage is the source of truth, shared by the tabs) ----- */

  function loadMessages() {
    const messages = store.get("messages", []);
    if (!Array.isArray(messages)) return [];
    return messages.filter(
      (m) => m && typeof m.id === "string" && (m.from === "user" || m.from === "bot") && typeof m.text === "string",
    );
  }

  function saveMessages(messages) {
    store.set("messages", messages.slice(-HISTORY_LIMIT));
    store.set("session", { id: sessionId, updated: Date.now() });
  }

  function startSession() {
    const saved = store.get("session", null);
    if (saved && typeof saved.id === "string" && /^[0-9a-f]{16,64}$/.test(saved.id) && Date.now() - saved.updated < HISTORY_TTL_MS) {
      sessionId = saved.id;
      return;
    }
    sessionId = randomId();
    store.set("session", { id: sessionId, updated: Date.now() });
    store.set("messages", []);
    store.remove("draft");
  }

  /** A page that reloads takes over what its earlier self left: unsent messages and the reply being waited for. */
  function claimPending() {
    const messages = loadMessages();
    let changed = false;
    messages.forEach((m, index) => {
      const awaited = index === messages.length - 1 && m.from === "user";
      if (m.from === "user" && (m.status === "queued" || awaited) && m.tab !== TAB) {
        m.tab = TAB;
        changed = true;
      }
    });
    if (changed) saveMessages(messages);
  }

  /* ----- DOM ----- */

  const host = document.createElement("clinic-chat-widget");
  const shadow = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet(); // not an inline <style>: works under a strict style-src policy
    sheet.replaceSync(styles);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.append(h("style", {}, styles));
  }

  const root = h("div", { class: "cw" });
  root.style.setProperty("--cw-primary", colors.primary);
  root.style.setProperty("--cw-on-primary", colors.onPrimary);
  root.style.setProperty("--cw-accent", colors.accent);

  const launcher = h(
    "button",
    { type: "button", class: "cw-launcher", "aria-expanded": "false", "aria-controls": "cw-panel", onclick: () => toggle() },
    icon(CHAT_ICON),
    h("span", {}, "Chat with us"),
    h("span", { class: "cw-sr" }, ` (${assistantName})`), // the name starts with the visible words
  );

  const closeButton = h(
    "button",
    { type: "button", class: "cw-header-button cw-close", "aria-label": "Close chat", onclick: () => close() },
    icon(CLOSE_ICON),
  );
  const newChatButton = h(
    "button",
    { type: "button", class: "cw-header-button cw-new", onclick: () => newChat() },
    "New chat",
  );
  newChatButton.setAttribute("aria-label", "Start a new chat (clears this conversation)");

  const phoneLink = () =>
    config.clinicPhone ? h("a", { href: telHref(config.clinicPhone) }, config.clinicPhone) : "the clinic";

  const disclosure = h(
    "p",
    { class: "cw-disclosure" },
    h("strong", {}, "Automated assistant — general information, not medical advice."),
    " To reach the clinic, call ",
    phoneLink(),
    ". In an emergency, call 911.",
  );

  const unreachable = h(
    "div",
    { class: "cw-notice cw-notice--offline", role: "alert", hidden: true },
    "We can't reach the assistant right now. Please try again in a moment or call ",
    phoneLink(),
    ".",
  );
  const reconnecting = h(
    "div",
    { class: "cw-notice cw-notice--info", role: "status", hidden: true },
    "Connection lost. Reconnecting… Anything you send now goes out once we're back.",
  );

  const log = h("div", {
    class: "cw-log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": "Conversation",
    tabindex: "0",
  });
  const greeting = messageRow({ id: "greeting", from: "bot", text: config.greeting });

  const typing = h(
    "div",
    { class: "cw-typing", hidden: true },
    h("span", { class: "cw-dots", "aria-hidden": "true" }, h("span"), h("span"), h("span")),
    h("span", {}, "The assistant is typing…"),
  );

  const input = h("textarea", {
    id: "cw-input",
    class: "cw-input",
    rows: "1",
    maxlength: String(MAX_CHARS),
    placeholder: "Ask a question…",
    "aria-describedby": "cw-hint",
    autocomplete: "off",
  });
  const inputLabel = h("label", { for: "cw-input", class: "cw-sr" }, "Your message");
  const sendButton = h("button", { type: "submit", class: "cw-send" }, "Send");
  const form = h("form", { class: "cw-form", novalidate: true }, inputLabel, input, sendButton);
  const note = h("span", { class: "cw-note", "aria-live": "polite" });
  const counter = h("span", { class: "cw-count" });
  const hint = h("p", { id: "cw-hint", class: "cw-hint" }, note, counter);

  const panel = h(
    "section",
    { id: "cw-panel", class: "cw-panel", role: "dialog", "aria-label": `Chat with the ${assistantName}`, hidden: true },
    h(
      "div",
      { class: "cw-header" },
      h(
        "div",
        { class: "cw-heading" },
        h("p", { class: "cw-title" }, config.clinicName),
        h("p", { class: "cw-subtitle" }, "Virtual assistant"),
      ),
      newChatButton,
      closeButton,
    ),
    disclosure,
    unreachable,
    reconnecting,
    log,
    typing,
    form,
    hint,
  );
  root.append(launcher, panel);
  shadow.append(root);

  /* ----- rendering ----- */

  function messageRow(message) {
    const row = h("div", { class: `cw-row cw-row--${message.from}` });
    const bubble = h("div", { class: "cw-bubble" });
    const text = h("span", { class: "cw-text" });
    appendRichText(text, message.text);
    bubble.append(h("span", { class: "cw-sr" }, message.from === "bot" ? "Assistant: " : "You: "), text);
    row.append(bubble, h("div", { class: "cw-status", hidden: true }));
    return row;
  }

  function showStatus(row, message) {
    const status = row.querySelector(".cw-status");
    const queued = message.from === "user" && message.status === "queued";
    row.classList.toggle("cw-row--queued", queued);
    status.hidden = !queued;
    status.textContent = queued ? "Not sent yet — it goes out when the connection is back." : "";
  }

  function quickReplies(messageId, replies) {
    const group = h("div", { class: "cw-quick", role: "group", "aria-label": "Suggested replies", "data-for": messageId });
    for (const reply of replies) {
      group.append(
        h("button", { type: "button", onclick: () => { send(reply.title, reply.payload); input.focus(); } }, reply.title),
      );
    }
    return group;
  }

  function resetLog() {
    log.replaceChildren(greeting);
    rendered.clear();
  }

  /** Brings the log up to date with the stored conversation: appends new messages, updates statuses. */
  function sync() {
    const messages = loadMessages();
    const ids = new Set(messages.map((m) => m.id));
    if ([...rendered.keys()].some((id) => !ids.has(id))) resetLog();
    if (!log.contains(greeting)) log.prepend(greeting);
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    for (const message of messages) {
      let row = rendered.get(message.id);
      if (!row) {
        row = messageRow(message);
        log.append(row);
        rendered.set(message.id, row);
      }
      showStatus(row, message);
    }
    // Quick replies belong to the last message only; a group is added once, so screen readers hear it once.
    const last = messages[messages.length - 1];
    const replies = last && last.from === "bot" ? normalizeReplies(last.quickReplies) : [];
    const wanted = replies.length ? last.id : null;
    log.querySelectorAll(".cw-quick").forEach((group) => {
      if (group.dataset.for === wanted) return;
      if (group.contains(shadow.activeElement)) input.focus();
      group.remove();
    });
    if (wanted && !log.querySelector(".cw-quick")) rendered.get(wanted).append(quickReplies(wanted, replies));
    if (nearBottom || (last && last.tab === TAB)) scrollToBottom();
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
  }

  function showTyping(on) {
    clearTimeout(replyTimer);
    typing.hidden = !on;
    if (on) {
      replyTimer = setTimeout(() => showTyping(false), REPLY_TIMEOUT_MS);
      scrollToBottom();
    }
  }

  function setConnection(state) {
    if (state === connection) return;
    connection = state;
    unreachable.hidden = state !== "unreachable";
    reconnecting.hidden = state !== "reconnecting";
    if (state !== "online") showTyping(false);
  }

  function setNote(text, warn = false) {
    note.textContent = text;
    hint.classList.toggle("cw-hint--warn", warn);
  }

  function updateCounter() {
    const length = input.value.length;
    counter.textContent = length >= WARN_CHARS ? `${length} / ${MAX_CHARS}` : "";
    if (length >= MAX_CHARS) setNote(`You've reached the ${MAX_CHARS}-character limit for one message.`, true);
    else if (hint.classList.contains("cw-hint--warn")) setNote("");
  }

  function autoGrow() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 4, 140)}px`;
  }

  /* ----- sending and receiving ----- */

  /** Adds the patient's message to the conversation and sends it now, or once connected. */
  function send(text, payload) {
    const clean = String(text).replace(/\r\n?/g, "\n").trim();
    if (!clean) {
      setNote("Please type a message first.", true);
      return false;
    }
    if (clean.length > MAX_CHARS) {
      setNote(`Messages can be up to ${MAX_CHARS} characters. Please shorten yours.`, true);
      return false;
    }
    setNote("");
    const messages = loadMessages();
    messages.push({ id: randomId(8), from: "user", text: clean, payload: payload || clean, status: "queued", tab: TAB, ts: Date.now() });
    saveMessages(messages);
    sync();
    connect();
    flush();
    return true;
  }

  function flush() {
    if (!ready || !socket) return;
    const messages = loadMessages();
    const outgoing = messages.filter((m) => m.from === "user" && m.status === "queued" && m.tab === TAB);
    if (!outgoing.length) return;
    outgoing.forEach((m) => (m.status = "sent"));
    saveMessages(messages);
    for (const m of outgoing) socket.emit(USER_EVENT, { message: m.payload || m.text, session_id: sessionId });
    sync();
    showTyping(true);
  }

  function normalizeReplies(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter((r) => r && typeof r.title === "string" && r.title.trim() && typeof r.payload === "string")
      .slice(0, MAX_QUICK_REPLIES)
      .map((r) => ({ title: r.title.trim().slice(0, 120), payload: r.payload.slice(0, MAX_CHARS) }));
  }

  function receive(data) {
    if (!data || typeof data !== "object") return;
    let text = typeof data.text === "string" ? data.text : "";
    const attachment = data.attachment && data.attachment.payload && data.attachment.payload.src;
    if (typeof attachment === "string") text = text ? `${text}\n${attachment}` : attachment;
    const replies = normalizeReplies(data.quick_replies || data.buttons);
    if (!text.trim() && !replies.length) return;
    showTyping(false);
    const messages = loadMessages();
    let lastUser = null;
    for (let i = messages.length - 1; i >= 0 && !lastUser; i -= 1) if (messages[i].from === "user") lastUser = messages[i];
    // Every tab of the conversation hears the reply; the tab that asked records it, the others see it via storage
    // (or record it themselves if the tab that asked was closed meanwhile and nobody did).
    const mine = lastUser ? lastUser.tab === TAB : document.visibilityState !== "hidden";
    if (mine) {
      record(messages, text, replies);
      return;
    }
    if (!lastUser) return;
    setTimeout(() => {
      const now = loadMessages();
      const asked = now.findIndex((m) => m.id === lastUser.id);
      if (asked >= 0 && !now.slice(asked + 1).some((m) => m.from === "bot" && m.text === text)) record(now, text, replies);
    }, ORPHAN_REPLY_MS);
  }

  function record(messages, text, replies) {
    messages.push({ id: randomId(8), from: "bot", text, quickReplies: replies, ts: Date.now() });
    saveMessages(messages);
    sync();
  }

  function connect() {
    if (socket) return;
    socket = io(config.serverUrl, {
      path: config.socketPath,
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 10000,
    });
    socket.on("connect", () => {
      ready = false;
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", (confirmed) => {
      if (typeof confirmed === "string" && confirmed && confirmed !== sessionId) {
        sessionId = confirmed; // the server chose another id: keep using its one
        store.set("session", { id: sessionId, updated: Date.now() });
      }
      ready = true;
      everConnected = true;
      setConnection("online");
      flush();
    });
    socket.on(BOT_EVENT, receive);
    socket.on("disconnect", (reason) => {
      ready = false;
      setConnection(everConnected ? "reconnecting" : "connecting");
      if (reason === "io server disconnect") socket.connect(); // the server dropped us: come back
    });
    socket.on("connect_error", () => {
      ready = false;
      setConnection("unreachable");
      if (!socket.active) setTimeout(() => socket && socket.connect(), 5000); // refused by the server itself
    });
  }

  function reconnect() {
    if (!socket) return;
    ready = false;
    socket.disconnect();
    socket.connect();
  }

  /* ----- opening, closing, keyboard ----- */

  function isOpen() {
    return !panel.hidden;
  }

  function open({ focus = true } = {}) {
    if (isOpen()) return;
    panel.hidden = false;
    root.classList.add("cw--open");
    launcher.setAttribute("aria-expanded", "true");
    if (perTab) perTab.setItem(store.key("open"), "1");
    sync();
    connect();
    autoGrow();
    scrollToBottom();
    if (focus) input.focus();
  }

  function close() {
    if (!isOpen()) return;
    panel.hidden = true;
    root.classList.remove("cw--open");
    launcher.setAttribute("aria-expanded", "false");
    if (perTab) perTab.removeItem(store.key("open"));
    launcher.focus();
  }

  function toggle() {
    if (isOpen()) close();
    else open();
  }

  function newChat() {
    sessionId = randomId();
    store.set("session", { id: sessionId, updated: Date.now() });
    store.set("messages", []);
    store.remove("draft");
    input.value = "";
    updateCounter();
    autoGrow();
    showTyping(false);
    resetLog();
    sync();
    reconnect();
    input.focus();
  }

  function submitInput() {
    if (send(input.value)) {
      input.value = "";
      store.remove("draft");
      updateCounter();
      autoGrow();
    }
    input.focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitInput();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitInput();
    }
  });
  input.addEventListener("input", () => {
    store.set("draft", input.value);
    updateCounter();
    autoGrow();
    if (input.value.trim() && note.textContent.startsWith("Please type")) setNote("");
  });

  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    // Full screen on a phone the panel is all there is: keep Tab inside it.
    if (event.key === "Tab" && isOpen() && window.matchMedia(NARROW).matches) {
      const focusable = [...panel.querySelectorAll("button, [href], textarea, [tabindex='0']")].filter(
        (el) => !el.disabled && el.offsetParent !== null,
      );
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && shadow.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && shadow.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  document.addEventListener("click", (event) => {
    const trigger = event.target instanceof Element && event.target.closest("[data-clinic-chat-open]");
    if (trigger) {
      event.preventDefault();
      open();
    }
  });

  /* Other tabs of the same conversation write to localStorage: follow them. */
  window.addEventListener("storage", (event) => {
    if (!store.local || event.storageArea !== store.local) return;
    if (event.key === null || event.key === store.key("session")) {
      const saved = store.get("session", null);
      if (saved && saved.id && saved.id !== sessionId) {
        sessionId = saved.id; // "New chat" in another tab
        showTyping(false);
        resetLog();
        reconnect();
      }
    }
    if (event.key === null || event.key === store.key("messages") || event.key === store.key("session")) sync();
  });

  window.addEventListener("offline", () => {
    if (!socket) return;
    ready = false;
    setConnection("reconnecting");
    if (socket.io.engine) socket.io.engine.close(); // don't wait for a ping timeout; socket.io reconnects
  });

  /* ----- start ----- */

  startSession();
  claimPending();
  const draft = store.get("draft", "");
  if (typeof draft === "string" && draft) input.value = draft.slice(0, MAX_CHARS);
  resetLog();
  sync();
  updateCounter();
  document.body.append(host);
  autoGrow();
  if (perTab && perTab.getItem(store.key("open"))) {
    open({ focus: false }); // it was open before the reload
  } else if (loadMessages().some((m) => m.status === "queued")) {
    connect(); // deliver what an earlier page could not send
  }

  return { open: () => open(), close, toggle };
}

/* ---------- bootstrap ---------- */

(function start() {
  if (window.ClinicChat) return; // loaded twice
  const script =
    document.currentScript || document.querySelector("script[src*='widget.js'][data-server-url], script[data-clinic-name]");
  const config = readConfig(script);
  const boot = () => {
    window.ClinicChat = createWidget(config);
  };
  window.ClinicChat = { pending: true, open() {}, close() {}, toggle() {} };
  if (document.body) boot();
  else document.addEventListener("DOMContentLoaded", boot, { once: true });
})();
