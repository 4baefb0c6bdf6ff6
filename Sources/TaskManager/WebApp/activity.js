// A list's activity: who did what, and when ("bob completed ‘Buy milk’, 2 minutes ago"), newest
// first from GET /lists/{id}/activity, older on demand, new lines as the events come. The same
// words tell screen-reader users of the changes others make while they look.
import { api } from "./api.js";
import { formatDate, h, messageBox } from "./dom.js";
import { whoAmI } from "./live.js";

const PAGE = 10;
const roleWords = { viewer: "a viewer", editor: "an editor", owner: "the owner" };

/** What `event` says, in words. `me`: the user's id ("You"); `before`: the task as it was before
 *  this event, when known (to say what changed); `listID`: the list it is read in (for moves). */
export function describe(event, { me = null, before = null, listID = null } = {}) {
  const actor = event.actor;
  const who = !actor ? "Someone" : actor.id === me ? "You" : actor.username;
  const task = event.task || {};
  const quoted = (item) => `‘${item.title}’`;
  const member = event.member || {};
  const whom = member.user_id === me ? "you" : member.username;
  const self = actor && actor.id === member.user_id;
  switch (event.type) {
    case "task.created":
      return `${who} added ${quoted(task)}`;
    case "task.updated":
      if (before && before.done !== task.done) return `${who} ${task.done ? "completed" : "reopened"} ${quoted(task)}`;
      if (before && before.title !== task.title) return `${who} renamed ${quoted(before)} to ${quoted(task)}`;
      return `${who} ${!before && task.done ? "completed" : "changed"} ${quoted(task)}`;
    case "task.deleted":
      return `${who} deleted ${before ? quoted(before) : "a task"}`;
    case "task.moved": {
      const what = task.title !== undefined ? quoted(task) : before ? quoted(before) : "a task";
      // Seen from the list it left, a task is its id alone.
      const here = task.title !== undefined && listID !== null && event.list_id === listID && event.from_list_id !== listID;
      return here ? `${who} moved ${what} here from another list` : `${who} moved ${what} to another list`;
    }
    case "list.updated":
      return `${who} renamed the list to “${event.list.name}”`;
    case "list.deleted":
      return `${who} deleted the list “${event.list.name}”`;
    case "member.added":
      return self ? `${who} joined` : `${who} added ${whom}`;
    case "member.removed":
      return self ? `${who} left` : `${who} removed ${whom}`;
    case "member.updated":
      return self ? `${who} became ${roleWords[member.role] || member.role}` : `${who} made ${whom} ${roleWords[member.role] || member.role}`;
    case "invitation.received":
      return `${who} invited you to “${event.invitation.list.name}”`;
    default:
      return `${who} changed the list`;
  }
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "just now", "2 minutes ago", "3 hours ago", "yesterday", "4 days ago", then the date. */
export function ago(iso, now = new Date()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const seconds = (now - date) / 1000;
  if (seconds < 45) return "just now";
  if (seconds < 3600) return relative.format(-Math.max(1, Math.round(seconds / 60)), "minute");
  const midnight = (day) => new Date(day.getFullYear(), day.getMonth(), day.getDate()).getTime();
  const days = Math.round((midnight(now) - midnight(date)) / 86_400_000);
  if (days === 0 || seconds < 6 * 3600) return relative.format(-Math.max(1, Math.round(seconds / 3600)), "hour");
  if (days < 7) return relative.format(-days, "day");
  return date.toLocaleDateString();
}

/** Event ids are decimal digits, larger for every later event. */
function newer(a, b) {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** The activity of one list: `{element, add(event)}`; `add` takes the events as they come. */
export function activityPanel(listID) {
  const lines = h("ol", { class: "activity", id: "activity-list", "aria-labelledby": "activity-heading" });
  const empty = h("p", { class: "muted", id: "activity-empty", hidden: true }, "Nothing has happened in this list yet.");
  const older = h("button", { type: "button", class: "secondary", id: "activity-older", hidden: true }, "Show older");
  const problem = messageBox();
  const element = h("section", { class: "card", id: "activity", "aria-labelledby": "activity-heading" },
    h("h2", { id: "activity-heading" }, "Activity"), problem, lines, empty, older);
  const shown = []; // the events shown, newest first
  const early = []; // the events that came before the first page
  let cursor = null;
  let loaded = false;
  let me = null;
  older.addEventListener("click", more);
  more();
  // "2 minutes ago" becomes "3 minutes ago" while the panel is open.
  const clock = setInterval(() => {
    if (!element.isConnected) return clearInterval(clock);
    for (const time of lines.querySelectorAll("time")) time.textContent = ago(time.dateTime);
  }, 30_000);
  return { element, add };

  async function more() {
    problem.show("");
    older.disabled = true;
    try {
      const query = `limit=${PAGE}` + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
      const [page, user] = await Promise.all([api("GET", `/lists/${listID}/activity?${query}`), whoAmI()]);
      me = user.id;
      for (const event of page.items) insert(event, true);
      cursor = page.items.length ? page.next_cursor : null;
      older.hidden = !cursor;
      if (!loaded) {
        loaded = true;
        for (const event of early.splice(0)) insert(event, false);
      }
      render();
      empty.hidden = shown.length > 0;
    } catch (error) {
      problem.show(error.message);
    } finally {
      older.disabled = false;
    }
  }

  function add(event) {
    if (event.type === "invitation.received" || (event.list_id !== listID && event.from_list_id !== listID)) return;
    if (!loaded) return early.push(event);
    insert(event, false);
    render();
    empty.hidden = shown.length > 0;
  }

  function insert(event, fromPage) {
    if (shown.some((other) => other.id === event.id)) return;
    let index = shown.findIndex((other) => newer(event.id, other.id));
    if (index === -1) {
      // Older than every line shown: it comes with the older pages, unless there are none.
      if (!fromPage && cursor) return;
      index = shown.length;
    }
    shown.splice(index, 0, event);
  }

  /** Every line again: an older page can tell a newer line what its task was before. */
  function render() {
    lines.replaceChildren(...shown.map(line));
  }

  function line(event, index) {
    const taskID = event.task && event.task.id;
    const before = taskID ? shown.slice(index + 1).find((other) => other.task && other.task.id === taskID && other.task.title !== undefined)?.task : null;
    return h("li", { "data-id": event.id },
      describe(event, { me, before, listID }), ", ",
      h("time", { datetime: event.at, title: formatDate(event.at) }, ago(event.at)));
  }
}
