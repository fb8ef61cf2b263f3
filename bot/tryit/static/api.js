// Talking to `orderbot try`: JSON actions, JSON reads, and the live event stream.

export async function act(action, body = {}) {
  const response = await fetch(`/api/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return answerOf(response);
}

export async function read(path) {
  return answerOf(await fetch(`/api/${path}`));
}

async function answerOf(response) {
  const answer = await response.json();
  if (!answer.ok) throw new Error(answer.error || `request failed (${response.status})`);
  return answer.result;
}

export function listen(handlers) {
  const events = new EventSource("/api/events");
  for (const [name, handle] of Object.entries(handlers)) {
    events.addEventListener(name, (event) => handle(JSON.parse(event.data)));
  }
  return events;
}
