// The task screen's two forms: the quick add (a title and Enter; the other fields behind "More")
// and the filters (the title search in one row, the other filters behind "Filters"), with what the
// filters let through, for tasks that change while they are shown.
import { api } from "./api.js";
import { field, h, messageBox, submitting } from "./dom.js";
import { prioritySelect, taskFields } from "./task-item.js";

export const filterNames = ["done", "priority", "q", "due_before"];

/** Whether `task` is one that `GET /tasks` gives with these filters (as API.md says they work). */
export function passes(task, filters) {
  const done = filters.get("done");
  if (done && String(task.done) !== done) return false;
  const priority = filters.get("priority");
  if (priority && task.priority !== priority) return false;
  const text = filters.get("q");
  if (text && !task.title.toLowerCase().includes(text.toLowerCase())) return false;
  const dueBefore = filters.get("due_before");
  if (dueBefore && !(task.due_date && task.due_date < dueBefore)) return false;
  return true;
}

/** One row: the title search, Apply, Clear and "Filters", which shows the other three. */
export function filterBar(filters, apply) {
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

/** The new task, in one line: a title and Enter; "More" shows the priority, the due date, the
 *  description and (showing every list) the list — into `current`, or one of `choices`, the
 *  caller's default list first. */
export function createForm(choices, current, added, lost) {
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
