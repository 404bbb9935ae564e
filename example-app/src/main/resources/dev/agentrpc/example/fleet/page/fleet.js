// The fleet page: agents from a long poll of api/agents, rollouts posted to api/rollouts and
// followed through long polls of api/rollouts/ID. Everything from the server is shown with
// textContent: agents' names, labels and replies are untrusted.
'use strict';

const $ = (id) => document.getElementById(id);

// Upper bounds of the latency histogram's buckets, in milliseconds.
const BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, Infinity];

let methods = [];
let following = 0; // the run the page shows; older loops stop when it changes

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function pause(millis) {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

async function getJson(url, options) {
  const response = await fetch(url, Object.assign({ cache: 'no-store' }, options));
  let body = {};
  try {
    body = await response.json();
  } catch (e) {
    // not JSON: reported below with the status
  }
  if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
  return body;
}

// ---- agents ----

async function followAgents() {
  let version = -1;
  for (;;) {
    try {
      const body = await getJson('api/agents?after=' + version);
      const unchanged = body.version === version;
      version = body.version;
      showAgents(body.agents);
      $('connection').textContent = 'live';
      // Answered without a change: the server held no poll (too many are held), so wait here.
      if (unchanged) await pause(1000);
    } catch (e) {
      $('connection').textContent = 'reconnecting: ' + e.message;
      await pause(2000);
    }
  }
}

function showAgents(agents) {
  const rows = agents.map((agent) => {
    const row = element('tr', null, agent.state === 'left' ? 'left' : '');
    row.dataset.agent = agent.name;
    row.dataset.state = agent.state;
    row.appendChild(element('td', agent.name, 'name'));
    const labels = element('td', null, 'labels');
    for (const [key, value] of Object.entries(agent.labels || {})) {
      labels.appendChild(element('span', key + '=' + value, 'label'));
    }
    row.appendChild(labels);
    row.appendChild(element('td', agent.state, 'state state-' + agent.state));
    const since = agent.state === 'left' ? agent.leftAt : agent.joinedAt;
    row.appendChild(element('td', since ? new Date(since).toLocaleTimeString() : '', 'since'));
    return row;
  });
  $('agents').tBodies[0].replaceChildren(...rows);
  const connected = agents.filter((agent) => agent.state === 'connected').length;
  $('agent-count').textContent = connected + ' connected';
}

// ---- methods ----

async function loadMethods() {
  const body = await getJson('api/methods');
  methods = body.methods;
  const select = $('method');
  select.replaceChildren(...methods.map((method) => {
    const option = element('option', method.name + ' (' + method.request + ')');
    option.value = method.name;
    return option;
  }));
  select.addEventListener('change', () => {
    const method = methods.find((m) => m.name === select.value);
    if (method) $('request').value = method.example;
  });
  if (methods.length) $('request').value = methods[0].example;
}

// ---- rollouts ----

async function start(event) {
  event.preventDefault();
  $('form-error').textContent = '';
  const form = {
    method: $('method').value,
    request: $('request').value,
    batch: $('batch').value,
    select: $('select').value,
    maxFailures: $('max-failures').value,
  };
  try {
    const run = await getJson('api/rollouts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(form),
    });
    follow(run);
  } catch (e) {
    $('form-error').textContent = e.message;
  }
}

async function follow(run) {
  const id = run.id;
  following = id;
  const view = $('run');
  view.hidden = false;
  view.dataset.state = 'running';
  view.dataset.stopped = 'false';
  view.dataset.id = id;
  $('run-title').textContent =
      'run ' + id + ': ' + run.method + ' on ' + run.size + (run.size === 1 ? ' agent' : ' agents') +
      (run.options ? ' (' + run.options + ')' : '');
  $('run-status').textContent = 'running';
  $('results').tBodies[0].replaceChildren();
  const results = [];
  let body = run;
  for (;;) {
    if (following !== id) return;
    addResults(results, body.results, body.size);
    if (body.done) break;
    try {
      body = await getJson('api/rollouts/' + id + '?from=' + results.length);
      if (!body.done && !body.results.length) await pause(500); // answered without news: not held
    } catch (e) {
      $('run-status').textContent = 'lost the run: ' + e.message;
      view.dataset.state = 'lost';
      return;
    }
  }
  const count = (outcome) => results.filter((r) => r.outcome === outcome).length;
  let status = 'done: ' + count('ANSWERED') + ' answered, ' + count('FAILED') + ' failed';
  if (count('CANCELLED')) status += ', ' + count('CANCELLED') + ' cancelled';
  if (count('NOT_CALLED')) status += ', ' + count('NOT_CALLED') + ' not called';
  if (body.stopped) status += '. ' + body.stopped;
  $('run-status').textContent = status;
  view.dataset.stopped = String(Boolean(body.stopped));
  view.dataset.state = 'done';
}

function addResults(results, arrived, size) {
  const rows = $('results').tBodies[0];
  for (const result of arrived) {
    results.push(result);
    const row = element('tr', null, 'outcome-' + result.outcome);
    row.dataset.agent = result.agent;
    row.dataset.outcome = result.outcome;
    row.appendChild(element('td', results.length));
    row.appendChild(element('td', result.agent));
    row.appendChild(element('td', result.status, 'status'));
    row.appendChild(element('td', result.outcome === 'NOT_CALLED' ? '-' : formatMillis(result.latencyMillis)));
    row.appendChild(element('td', result.detail, 'detail'));
    rows.appendChild(row);
  }
  $('progress-bar').style.width = (size ? (100 * results.length) / size : 100) + '%';
  $('progress-text').textContent = results.length + ' / ' + size;
  showHistogram(results);
}

function formatMillis(millis) {
  if (millis < 10) return millis.toFixed(1) + ' ms';
  if (millis < 10000) return Math.round(millis) + ' ms';
  return (millis / 1000).toFixed(1) + ' s';
}

// A bucket's bound: whole milliseconds, or seconds from one second on.
function formatBound(millis) {
  return millis < 1000 ? millis + ' ms' : millis / 1000 + ' s';
}

function showHistogram(results) {
  const counts = BUCKETS.map(() => 0);
  for (const result of results) {
    if (result.outcome === 'NOT_CALLED') continue;
    counts[BUCKETS.findIndex((bound) => result.latencyMillis < bound)]++;
  }
  const used = counts.map((count, i) => (count ? i : -1)).filter((i) => i >= 0);
  const histogram = $('histogram');
  if (!used.length) {
    histogram.replaceChildren(element('p', 'no latencies yet', 'muted'));
    return;
  }
  const most = Math.max(...counts);
  const rows = [];
  for (let i = used[0]; i <= used[used.length - 1]; i++) {
    const row = element('div', null, 'bucket');
    row.dataset.count = counts[i];
    const low = i === 0 ? 0 : BUCKETS[i - 1];
    const range = BUCKETS[i] === Infinity ? '>= ' + formatBound(low) : low + ' - ' + formatBound(BUCKETS[i]);
    row.appendChild(element('span', range, 'range'));
    const bar = element('span', null, 'bar');
    bar.style.width = (counts[i] ? (20 * counts[i]) / most : 0) + 'em';
    row.appendChild(bar);
    row.appendChild(element('span', counts[i], 'count'));
    rows.push(row);
  }
  histogram.replaceChildren(...rows);
}

document.addEventListener('DOMContentLoaded', () => {
  $('rollout-form').addEventListener('submit', start);
  loadMethods().catch((e) => { $('form-error').textContent = 'cannot load the methods: ' + e.message; });
  followAgents();
});
