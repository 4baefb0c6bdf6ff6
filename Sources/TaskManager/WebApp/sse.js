// The server-sent-events format (the HTML standard's "event stream" parsing), for a stream read
// with fetch: lines end with "\n", "\r\n" or "\r"; `field: value`; a blank line ends an event.

/** The server-sent-events format, text in as it comes: `onFrame({id, type, data})` for each event
 *  (an `id` without data too, which moves the position); comments (`:`) are skipped. */
export function frames(onFrame) {
  let rest = "";
  let id = null;
  let type = "";
  let data = [];
  function line(text) {
    if (text === "") {
      if (id !== null || data.length) onFrame({ id, type: type || "message", data: data.join("\n") });
      id = null;
      type = "";
      data = [];
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") type = value;
    else if (field === "id" && !value.includes("\0")) id = value;
  }
  let afterCR = false; // a line ended with "\r": a "\n" just after it (next chunk) belongs to it
  return (chunk) => {
    rest += chunk;
    let start = 0;
    for (let index = 0; index < rest.length; index++) {
      const character = rest[index];
      if (afterCR && index === start && character === "\n") {
        start = index + 1;
        afterCR = false;
        continue;
      }
      afterCR = false;
      if (character !== "\n" && character !== "\r") continue;
      line(rest.slice(start, index));
      afterCR = character === "\r";
      start = index + 1;
    }
    rest = rest.slice(start);
  };
}
