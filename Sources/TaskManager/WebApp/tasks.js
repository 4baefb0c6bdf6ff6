// The task list: newest first, more on demand through the cursor, the list and the filters kept in
// the address, create, inline edit, mark done, delete after a confirmation. A viewer's tasks show
// no control that would change them; a list that stops being shared takes the user back to their
// lists, saying why.
//
// The tasks come first: a one-line quick add (the other fields behind "More"), the search with the
// other filters behind "Filters", then the tasks; the lists are a side column from 900 px wide
// (a menu above the tasks below that).
import { api } from "./api.js";
import { go } from "./app.js";
import { announce, field, fill, h, messageBox, submitting } from "./dom.js";
import { allLists, backToLists, roleNames } from "./lists.js";

const PAGE = 20;
const priorities = ["low", "normal", "high"];
const filterNames = ["done", "priority", "q", "due_before"];

function prioritySelect(name, value, any) {
  return h("select", { name },
    any ? h("option", { value: "" }, "Any") : null,
    priorities.map((p) => h("option", { value: p, selected: p === value }, p[0].toUpperCase() + p.slice(1))));
}

/** The `GET /tasks` query for a page of the shown list with the address's filters. */
function pageQuery(filters, listID, cursor) {
  const query = new URLSearchParams();
  if (listID) query.set("list_id", listID);
  for (const name of filterNames) if (filters.get(name)) query.set(name, filters.get(name));
  query.set("limit", PAGE);
  if (cursor) query.set("cursor", cursor);
  return "/tasks?" + query;
}

export async function tasksScreen(main) {
  const filters = new URLSearchParams(location.search);
  const listID = filters.get("list");
  // The first page and the lists (for the roles) in one round, not one after the other.
  let firstPage = api("GET", pageQuery(filters, listID, null)).catch((error) => error);
  let lists;
  try {
    lists = await allLists();
  } catch (error) {
    const problem = messageBox();
    fill(main, h("h1", { id: "tasks-heading" }, "Tasks"), problem);
    return problem.show(error.message);
  }
  const byID = new Map(lists.map((list) => [list.id, list]));
  const current = listID ? byID.get(listID) : null;
  if (listID && !current) return backToLists("That list is not shared with you any more.");
  /** A refusal that means the list is gone for this user: back to their lists. */
  const lost = (error, list = current) => {
    if (error.status !== 404 || !list) return false;
    backToLists(`You are no longer a member of “${list.name}”.`);
    return true;
  };
  const context = { byID, showList: !current, lost };
  const list = h("ul", { id: "task-list", class: "tasks", "aria-labelledby": "tasks-heading" });
  const status = h("p", { id: "list-status", class: "muted", role: "status" });
  const listProblem = messageBox();
  const more = h("button", { type: "button", id: "more", class: "secondary", hidden: true }, "More tasks");
  let cursor = null;

  async function load(reset) {
    listProblem.show("");
    more.disabled = true;
    try {
      const early = firstPage;
      firstPage = null;
      const page = early ? await early : await api("GET", pageQuery(filters, listID, reset ? null : cursor));
      if (page instanceof Error) throw page;
      if (reset) list.replaceChildren();
      for (const task of page.items) list.append(taskItem(task, context));
      cursor = page.next_cursor;
      more.hidden = !cursor || page.items.length === 0;
      count();
    } catch (error) {
      if (!lost(error)) listProblem.show(error.message);
    } finally {
      more.disabled = false;
    }
  }
  function count() {
    const shown = list.children.length;
    status.textContent = shown === 0 ? (filtered() ? "No tasks match these filters." : "No tasks yet: add the first one above.")
      : `${shown} task${shown === 1 ? "" : "s"} shown${more.hidden ? "" : "; there are more"}.`;
  }
  list.addEventListener("listchange", count);
  more.addEventListener("click", async () => {
    const before = list.children.length;
    await load(false);
    // The first of the new tasks gets the focus, so that the keyboard goes on from there.
    list.children[before]?.querySelector("input")?.focus();
  });

  const filtered = () => filterNames.some((name) => filters.get(name));
  const filterForm = filterBar(filters, () => {
    history.pushState(null, "", "/app" + (filters.toString() ? "?" + filters : ""));
    load(true);
  });

  const writable = lists.filter((list) => list.role !== "viewer");
  const mayAdd = current ? current.role !== "viewer" : writable.length > 0;
  fill(main,
    h("div", { class: "tasks-layout" },
      sideLists(lists, current),
      h("div", { class: "tasks-column" },
        h("div", { class: "tasks-head" }, h("h1", { id: "tasks-heading" }, current ? current.name : "Tasks"), listBar(lists, current)),
        mayAdd
          ? createForm(current ? null : writable, current, (task) => {
            list.prepend(taskItem(task, context));
            count();
            announce(`Added “${task.title}”.`);
          }, lost)
          : h("p", { class: "muted", id: "read-only" }, `You are a viewer of this list: you can read its tasks, not change them.`),
        filterForm, listProblem, list, more, status)));
  load(true);
}

/** The lists beside the tasks (from 900 px wide): every list, or one, as links. */
function sideLists(lists, current) {
  const link = (text, href, here, role) => h("li", {},
    h("a", { href, "data-route": true, "aria-current": here ? "page" : null }, text, role ? h("span", { class: "muted" }, ` · ${role}`) : null));
  return h("nav", { class: "side-lists", "aria-label": "Your lists" },
    h("h2", {}, "Your lists"),
    h("ul", {},
      link("All my lists", "/app", !current),
      lists.map((list) => link(list.name, `/app?list=${list.id}`, current?.id === list.id, list.role === "owner" ? null : roleNames[list.role].toLowerCase()))),
    h("a", { href: "/app/lists", "data-route": true, class: "manage" }, "New list, sharing…"));
}

/** Which list is shown: every list, or one, kept in the address (a menu below 900 px wide). */
function listBar(lists, current) {
  const choice = h("select", { id: "list-switch", name: "list" },
    h("option", { value: "" }, "All my lists"),
    lists.map((list) => h("option", { value: list.id, selected: current?.id === list.id }, `${list.name} (${roleNames[list.role].toLowerCase()})`)));
  choice.addEventListener("change", () => go(choice.value ? `/app?list=${choice.value}` : "/app"));
  return h("div", { class: "list-bar" },
    field("List", choice).wrap,
    current ? h("a", { href: `/app/list?id=${current.id}`, "data-route": true, id: "list-members" },
      current.role === "owner" ? "Share this list" : "Members") : null);
}

/** One row: the title search, Apply, Clear and "Filters", which shows the other three. */
function filterBar(filters, apply) {
  const done = h("select", { name: "done" },
    h("option", { value: "" }, "All"), h("option", { value: "false", selected: filters.get("done") === "false" }, "Not done"),
    h("option", { value: "true", selected: filters.get("done") === "true" }, "Done"));
  const items = {
    q: field("Search titles", h("input", { name: "q", type: "search", value: filters.get("q") || "", maxlength: 200, placeholder: "Search titles" })),
    done: field("Show", done),
    priority: field("Priority", prioritySelect("priority", filters.get("priority"), true)),
    due_before: field("Due before", h("input", { name: "due_before", type: "date", value: filters.get("due_before") || "" })),
  };
  items.q.wrap.querySelector("label").classList.add("visually-hidden");
  const others = ["done", "priority", "due_before"];
  const active = others.filter((name) => filters.get(name)).length;
  const panel = h("div", { class: "row filter-fields", id: "filter-fields", hidden: active === 0 }, others.map((name) => items[name].wrap));
  const toggle = h("button", { type: "button", class: "secondary", id: "filter-toggle", "aria-controls": "filter-fields",
    "aria-expanded": String(active > 0) }, active ? `Filters (${active})` : "Filters");
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
  });
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter tasks", id: "filters" },
    h("div", { class: "filter-row" },
      items.q.wrap, toggle,
      h("button", { type: "submit", class: "secondary" }, "Apply"),
      h("button", { type: "button", class: "link", id: "clear-filters", onclick: () => {
        for (const [name, item] of Object.entries(items)) item.input.value = "";
        form.requestSubmit();
      } }, "Clear")),
    panel);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const [name, item] of Object.entries(items)) {
      if (item.input.value) filters.set(name, item.input.value.trim());
      else filters.delete(name);
    }
    apply();
  });
  return form;
}

function taskFields(task = {}) {
  return {
    title: field("Title", h("input", { name: "title", value: task.title || "", required: true, maxlength: 200, autocomplete: "off" })),
    priority: field("Priority", prioritySelect("priority", task.priority || "normal", false)),
    due_date: field("Due date", h("input", { name: "due_date", type: "date", value: task.due_date || "" })),
    description: field("Description", h("textarea", { name: "description", rows: 2, maxlength: 10000, value: task.description || "" })),
  };
}

/** The new task, in one line: a title and Enter; "More" shows the priority, the due date, the
 *  description and (showing every list) the list — into `current`, or one of `choices`, the
 *  caller's default list first. */
function createForm(choices, current, added, lost) {
  const items = taskFields();
  if (choices) {
    items.list_id = field("List", h("select", { name: "list_id" }, choices.map((list) => h("option", { value: list.id }, list.name))));
  }
  items.title.wrap.querySelector("label").classList.add("visually-hidden");
  items.title.input.placeholder = "Add a task";
  const problem = messageBox();
  const extra = h("div", { class: "more-fields", id: "new-task-fields", hidden: true },
    h("div", { class: "row" }, items.priority.wrap, items.due_date.wrap, items.list_id?.wrap), items.description.wrap);
  const toggle = h("button", { type: "button", class: "secondary", id: "new-task-more", "aria-controls": "new-task-fields",
    "aria-expanded": "false" }, "More");
  toggle.addEventListener("click", () => {
    extra.hidden = !extra.hidden;
    toggle.setAttribute("aria-expanded", String(!extra.hidden));
  });
  const form = h("form", { class: "card create", id: "new-task", "aria-labelledby": "new-task-heading" },
    h("h2", { id: "new-task-heading", class: "visually-hidden" }, "New task"),
    h("div", { class: "quick-add" }, items.title.wrap, h("button", { type: "submit" }, "Add"), toggle),
    extra, problem);
  submitting(form, items, problem, async () => {
    const body = { title: items.title.input.value, priority: items.priority.input.value, description: items.description.input.value };
    if (items.due_date.input.value) body.due_date = items.due_date.input.value;
    body.list_id = current ? current.id : items.list_id.input.value;
    let task;
    try {
      task = await api("POST", "/tasks", body);
    } catch (error) {
      // The list itself gone (a 422 on list_id, or 403 for a role taken away): back to the lists.
      if (current && (error.fields?.list_id || error.status === 403)) return lost({ status: 404 });
      throw error;
    }
    form.reset();
    added(task);
    items.title.input.focus();
  });
  return form;
}

function taskItem(task, { byID, showList, lost }) {
  const item = h("li", { class: "task", "data-id": task.id });
  const list = byID.get(task.list_id);
  const readOnly = !list || list.role === "viewer";
  /** A refusal: the list gone takes the user back to their lists; anything else is said here. */
  const refused = (problem) => (error) => lost(error, list) || problem.show(error.message);
  view();
  return item;

  function view(focus) {
    const problem = messageBox();
    const done = h("input", { type: "checkbox", class: "done", checked: task.done, disabled: readOnly, "aria-label": `Done: ${task.title}` });
    done.addEventListener("change", async () => {
      try {
        task = await api("PATCH", `/tasks/${task.id}`, { done: done.checked });
        item.classList.toggle("is-done", task.done);
        announce(task.done ? `“${task.title}” is done.` : `“${task.title}” is not done.`);
      } catch (error) {
        done.checked = task.done;
        refused(problem)(error);
      }
    });
    const edit = h("button", { type: "button", class: "secondary edit", "aria-label": `Edit ${task.title}`, onclick: editor }, "Edit");
    const remove = h("button", { type: "button", class: "secondary delete", "aria-label": `Delete ${task.title}`, onclick: confirmDelete }, "Delete");
    const actions = readOnly ? null : h("div", { class: "actions" }, edit, remove);
    item.classList.toggle("is-done", task.done);
    fill(item, done,
      h("div", { class: "task-body" },
        h("p", { class: "title" }, task.title),
        task.description ? h("p", { class: "description" }, task.description) : null,
        h("p", { class: "meta" },
          h("span", { class: `priority ${task.priority}` }, task.priority),
          task.due_date ? h("span", { class: "due" }, "due ", h("time", { datetime: task.due_date }, task.due_date)) : null,
          showList && list ? h("span", { class: "in-list" }, ` · ${list.name}`) : null)),
      actions, problem);
    if (focus === "edit") edit.focus();

    function confirmDelete() {
      const keep = h("button", { type: "button", class: "secondary", onclick: () => view("edit") }, "Keep");
      const yes = h("button", { type: "button", class: "danger confirm-delete", onclick: async () => {
        try {
          await api("DELETE", `/tasks/${task.id}`);
          const next = item.nextElementSibling || item.previousElementSibling, list = item.parentElement;
          item.remove();
          list.dispatchEvent(new Event("listchange"));
          announce(`Deleted “${task.title}”.`);
          (next?.querySelector("input") || document.getElementById("tasks-heading")).focus();
        } catch (error) {
          refused(problem)(error);
        }
      } }, "Delete");
      const group = h("span", { class: "confirm", role: "group", "aria-label": "Confirm delete" }, "Delete this task?", yes, keep);
      group.addEventListener("keydown", (event) => event.key === "Escape" && view("edit"));
      fill(actions, group);
      keep.focus();
    }
  }

  function editor() {
    const items = taskFields(task);
    const problem = messageBox();
    const cancel = h("button", { type: "button", class: "secondary", onclick: () => view("edit") }, "Cancel");
    const form = h("form", { class: "edit-form", "aria-label": `Edit ${task.title}` },
      items.title.wrap, h("div", { class: "row" }, items.priority.wrap, items.due_date.wrap), items.description.wrap,
      h("div", { class: "buttons" }, h("button", { type: "submit" }, "Save"), cancel), problem);
    form.addEventListener("keydown", (event) => event.key === "Escape" && view("edit"));
    submitting(form, items, problem, async () => {
      // Only what changed; an emptied due date clears it.
      const change = {};
      for (const name of ["title", "priority", "description"]) {
        if (items[name].input.value !== (task[name] ?? "")) change[name] = items[name].input.value;
      }
      const due = items.due_date.input.value || null;
      if (due !== (task.due_date ?? null)) change.due_date = due;
      if (Object.keys(change).length) {
        try {
          task = await api("PATCH", `/tasks/${task.id}`, change);
        } catch (error) {
          if (lost(error, list)) return;
          throw error;
        }
      }
      view("edit");
      announce(`Saved “${task.title}”.`);
    });
    fill(item, form);
    items.title.input.focus();
  }
}
