// The caller's events as they happen: GET /events, read with fetch (EventSource cannot send the
// bearer token), its server-sent-events format parsed by sse.js.
//
// The stream ends when its access token expires or its session ends: then the same stream again,
// with a fresh token (a refresh when the token it ended with is still the current one) and
// Last-Event-ID, the id of the last event it gave, so that the server replays what came meanwhile,
// without gaps or repeats. After a network failure the same, after 1 s, 2 s, 4 s … 30 s at most (at
// once when the browser says it is back online); a 429 waits its Retry-After. A 401 is answered by
// one refresh; a refused refresh is the app's signed-out path (sign in again, back here).
//
// The shown screen takes the events through `watchFromNow`; `event: reset` (a position the server
// no longer knows) and a reconnection without a position reload what the screen shows.
import { api } from "./api.js";
import { accessTokenExpired, currentAccessToken, hasSession, refresh, signIn } from "./auth.js";
import { frames } from "./sse.js";

/** No byte for this long (the server writes a comment every 15 s): the connection is dead. */
const QUIET = 45_000;
const LONGEST_WAIT = 30_000;
/** A stream that the server ends sooner than this after it opened is retried after a wait. */
const SHORT_LIVED = 10_000;

let following = null;
let screenListener = null;
let meRequest = null;
let me = null;

/** Follows the caller's events until `stopLive`. `onEvent(event)` sees every event before the
 *  screen does; `onReset()` asks for what is shown to be loaded again; `onState(state)` says how the
 *  stream is: "connecting", "on", "retrying" (after a failure) or "off". */
export function startLive({ onEvent, onReset, onState }) {
  stopLive();
  const run = { stopper: new AbortController(), onEvent, onReset, onState, lastID: null };
  following = run;
  whoAmI().catch(() => {});
  follow(run).catch((error) => console.error("The event stream stopped:", error));
}

/** Ends the stream (on sign-out). */
export function stopLive() {
  if (!following) return;
  const run = following;
  following = null;
  run.stopper.abort();
  run.onState("off");
  meRequest = null;
  me = null;
}

/** The signed-in user (GET /me, once). */
export function whoAmI() {
  meRequest ??= api("GET", "/me").then(
    (user) => (me = user),
    (error) => {
      meRequest = null;
      throw error;
    });
  return meRequest;
}

/** The signed-in user's id, known before the first event is handed out (null before). */
export function myID() {
  return me ? me.id : null;
}

/** The shown screen's events from now on. They wait until the screen is drawn and calls
 *  `ready(apply)`, then go to `apply` as they come; `active()` is false once another screen is
 *  shown (which takes the events from then on). */
export function watchFromNow() {
  const early = [];
  let apply = null;
  const listener = (event) => (apply ? apply(event) : early.push(event));
  screenListener = listener;
  return {
    ready(fn) {
      apply = fn;
      for (const event of early.splice(0)) if (screenListener === listener) fn(event);
    },
    active: () => screenListener === listener,
  };
}

/** No screen takes the events (between two screens, or one that shows none of them). */
export function stopWatching() {
  screenListener = null;
}

async function follow(run) {
  const { signal } = run.stopper;
  let failures = 0; // in a row: how long the next wait is
  let refusals = 0; // 401s in a row
  let wait = 0;
  let connectedBefore = false;
  let spent = null; // a token the server ended a stream of (or refused): a fresh one before the next try
  const failed = (delay = backoff(++failures)) => {
    run.onState("retrying");
    wait = delay;
  };
  run.onState("connecting");
  for (;;) {
    if (wait) await pause(wait, signal);
    wait = 0;
    if (signal.aborted) return;
    // A token that expired while no stream was open (its refresh failed offline) is spent too.
    if (spent === null && accessTokenExpired()) spent = currentAccessToken();
    if (spent !== null && spent === currentAccessToken()) {
      const renewal = await renewed(run);
      if (renewal === "over") return;
      if (renewal === "unreachable") {
        failed();
        continue;
      }
    }
    spent = null;
    const token = currentAccessToken();
    // Without a position (no event came yet), a stream opened again could miss what happened
    // while there was none: the screen loads again once it is open.
    const reloadWhenOpen = connectedBefore && run.lastID === null;
    let outcome;
    try {
      outcome = await connect(run, token, () => {
        failures = 0;
        refusals = 0;
        connectedBefore = true;
        run.onState("on");
        if (reloadWhenOpen) run.onReset();
      });
    } catch {
      if (signal.aborted) return;
      failed();
      continue;
    }
    if (signal.aborted) return;
    if (outcome.status === 401) {
      spent = token;
      if (++refusals > 1) failed(); // a fresh token refused too: not at once again
      continue;
    }
    if (outcome.status === 429) {
      failed(outcome.retryAfter ?? backoff(++failures));
      continue;
    }
    if (outcome.status) {
      failed();
      continue;
    }
    // The server ended the stream: its token expired, its session ended, or the server stopped.
    // A token refreshed meanwhile (a minute before it expires) goes on at once; otherwise this
    // very token has most likely just expired.
    if (token === currentAccessToken()) {
      spent = token;
      if (outcome.lasted < SHORT_LIVED) wait = backoff(++failures);
    }
  }
}

/** A fresh access token: "fresh", "unreachable" (the server could not be reached: try again
 *  later) or "over" (the stream was stopped, or the session is over: signing in again). */
async function renewed(run) {
  try {
    await refresh();
    return run.stopper.signal.aborted ? "over" : "fresh";
  } catch {
    if (run.stopper.signal.aborted) return "over";
    if (hasSession()) return "unreachable";
    // The session is over (signed out elsewhere, ended from another device, expired): sign in
    // again and come back here, as every other call of the app does.
    stopLive();
    await signIn().catch(() => {});
    return "over";
  }
}

/** One connection: `{status, retryAfter}` when it is refused, `{status: 0, lasted}` when the server
 *  ends it; throws when the network fails (or the connection stays quiet too long). */
async function connect(run, token, opened) {
  const connection = new AbortController();
  const cut = () => connection.abort();
  run.stopper.signal.addEventListener("abort", cut);
  let watchdog = null;
  const heard = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(cut, QUIET);
  };
  const headers = { Accept: "text/event-stream" };
  if (token) headers.Authorization = "Bearer " + token;
  if (run.lastID !== null) headers["Last-Event-ID"] = run.lastID;
  const start = Date.now();
  try {
    heard();
    const response = await fetch("/events", { headers, credentials: "omit", cache: "no-store", signal: connection.signal });
    if (!response.ok || !response.body) {
      response.body?.cancel().catch(() => {});
      return { status: response.status || 500, retryAfter: retryAfter(response.headers.get("Retry-After")) };
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parse = frames((frame) => deliver(run, frame));
    let first = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { status: 0, lasted: Date.now() - start };
      heard();
      if (first) {
        first = false;
        // The screens compare user ids in what they are handed: who the user is comes first.
        await whoAmI();
        if (run.stopper.signal.aborted) throw new Error("stopped");
        opened();
      }
      parse(value);
    }
  } finally {
    clearTimeout(watchdog);
    run.stopper.signal.removeEventListener("abort", cut);
    cut(); // a connection given up on (a failure, a stop) is closed, not left open
  }
}

function deliver(run, frame) {
  if (run !== following) return;
  if (frame.id !== null) run.lastID = frame.id;
  if (frame.type === "reset") return run.onReset();
  if (!frame.data) return;
  let event;
  try {
    event = JSON.parse(frame.data);
  } catch {
    return;
  }
  for (const listener of [run.onEvent, screenListener]) {
    try {
      listener?.(event);
    } catch (error) {
      // A screen's mistake must not end the stream.
      console.error("An event was not shown:", event, error);
    }
  }
}

/** 1 s, 2 s, 4 s … 30 s, each a little shorter or longer so that many browsers do not come back at once. */
function backoff(failures) {
  const base = Math.min(LONGEST_WAIT, 1000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.9 + Math.random() * 0.2));
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null. */
function retryAfter(value) {
  if (!value) return null;
  const seconds = Number(value);
  const wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(wait) ? Math.min(Math.max(wait, 1000), 10 * 60_000) : null;
}

/** Waits `ms`, less when the browser comes back online or the stream is stopped. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener("online", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener("online", done);
    signal.addEventListener("abort", done);
  });
}

/** `f` once, `ms` after the last of a burst of calls (a burst of events loads once). */
export function afterBurst(f, ms = 150) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(f, ms);
  };
}
