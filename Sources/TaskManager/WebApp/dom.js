// Building the page from data: text always goes in as text (never as HTML), so a task titled
// "<script>" shows those characters and runs nothing.

/** h("button", {type: "button", onclick: f}, "Save") */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "class") element.className = value;
    else if (key === "value") element.value = value;
    else if (key === "checked") element.checked = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces what `element` holds. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let fieldCount = 0;

/** A labelled control with a place for its error: {wrap, input, error}. */
export function field(label, control, hint) {
  const id = control.id || `f${++fieldCount}`;
  control.id = id;
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const hintText = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  control.setAttribute("aria-describedby", [hintText && hintText.id, error.id].filter(Boolean).join(" "));
  const wrap = h("div", { class: "field" }, h("label", { for: id }, label), control, hintText, error);
  return { wrap, input: control, error };
}

/** Shows `message` under a field (or clears it), marking the control invalid for screen readers. */
function setFieldError(item, message) {
  item.error.hidden = !message;
  item.error.textContent = message || "";
  if (message) item.input.setAttribute("aria-invalid", "true");
  else item.input.removeAttribute("aria-invalid");
}

/** Runs `action` when `form` is sent, with its button disabled meanwhile; an error goes next to
 *  the field it is about (`items` by body field name; the first such field gets the focus) and
 *  in words in `problem`. */
export function submitting(form, items, problem, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const item of Object.values(items)) setFieldError(item, "");
    problem.show("");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      for (const [name, item] of Object.entries(items)) setFieldError(item, error.fields?.[name]);
      problem.show(error.message);
      Object.entries(items).find(([name]) => error.fields?.[name])?.[1].input.focus();
    } finally {
      button.disabled = false;
    }
  });
}

/** A message box for a form or a screen: role=alert so that it is read out when it appears. */
export function messageBox() {
  const box = h("p", { class: "form-error", role: "alert", hidden: true });
  box.show = (text) => {
    box.hidden = !text;
    box.textContent = text || "";
  };
  return box;
}

/** Tells screen-reader users what just happened, without moving the focus. */
export function announce(text) {
  const region = document.getElementById("announce");
  region.textContent = "";
  setTimeout(() => (region.textContent = text), 30);
}

export function formatDate(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** The child of `parent` with `data-id` `id`. */
export function childWithID(parent, id) {
  return [...parent.children].find((child) => child.dataset.id === String(id)) || null;
}

// The fields the user typed into, kept when a screen is drawn again for a change made elsewhere.
document.addEventListener("input", (event) => event.target.dataset && (event.target.dataset.typed = ""));

/** Draws `main` again with `draw` (a screen, after a change made elsewhere), keeping what the user
 *  typed into its fields and where the focus was, by form and field name. */
export async function redrawKeeping(main, draw) {
  const key = (control) => `${control.form?.id || ""} ${control.name}`;
  const typed = new Map([...main.querySelectorAll("[data-typed][name]")].map((control) => [key(control), control.value]));
  const active = document.activeElement;
  const focused = active && active !== main && main.contains(active) && active.name ? key(active) : null;
  await draw(main);
  for (const control of main.querySelectorAll("input[name], select[name], textarea[name]")) {
    const name = key(control);
    if (typed.has(name) && control.type !== "checkbox") {
      control.value = typed.get(name);
      control.dataset.typed = "";
    }
    if (name === focused) control.focus();
  }
}
