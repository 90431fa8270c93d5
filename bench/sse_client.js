#!/usr/bin/env node
// Phase 3 of bench/segments.sh: holds one Server-Sent Events stream per resident session
// (GET /api/v1/me/events with cookie ms_session=<token>), waits until every stream has sent
// its `ready` event, then submits a campaign (POST /api/v1/staff/campaigns/<id>/submit) and
// measures for each stream the delay from just before the submit request to the arrival of
// its `event: notification`. Then, with every stream still open, ordinary pushes: for each
// line of the --cases file (a session token of a resident with a case waiting, the case's
// number, its department head's staff cookie), one at a time, the head accepts the case
// (POST /api/v1/staff/cases/<number>/actions) and the delay until that resident's stream
// gets its `event: notification` is measured. Samples the server's VmRSS / VmHWM from /proc
// every 100 ms. Node built-ins only. Prints a JSON summary on the last line of stdout.
//
//   node bench/sse_client.js --base http://127.0.0.1:3200 --tokens FILE --staff 'ms_staff=…' \
//     --campaign ID --pid SERVER_PID [--cases FILE] [--open-concurrency 200] \
//     [--open-timeout 300] [--wait 120]
'use strict';
const http = require('http');
const fs = require('fs');
const { performance } = require('perf_hooks');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const base = new URL(args.base);
const tokens = fs.readFileSync(args.tokens, 'utf8').split('\n').map((t) => t.trim()).filter(Boolean);
const openConcurrency = Number(args['open-concurrency'] || 200);
const openTimeoutMs = Number(args['open-timeout'] || 300) * 1000;
const waitMs = Number(args.wait || 120) * 1000;
const pid = args.pid;

const log = (...m) => console.error(`[sse ${(performance.now() / 1000).toFixed(1)}s]`, ...m);

// --- memory sampling of the server -------------------------------------------------------
let peakRssKb = 0;
let hwmKb = 0;
function sampleMemory() {
  if (!pid) return;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number((status.match(/VmRSS:\s+(\d+)/) || [])[1] || 0);
    const hwm = Number((status.match(/VmHWM:\s+(\d+)/) || [])[1] || 0);
    peakRssKb = Math.max(peakRssKb, rss);
    hwmKb = Math.max(hwmKb, hwm);
  } catch (_) { /* server gone */ }
}
const sampler = setInterval(sampleMemory, 100);

// --- the streams --------------------------------------------------------------------------
const conns = tokens.map((token, i) => ({ i, token, kind: 'campaign', ready: false, arrivedAt: null, error: null, req: null }));
const cases = (args.cases ? fs.readFileSync(args.cases, 'utf8').split('\n') : [])
  .map((line) => line.trim().split(/\s+/))
  .filter((fields) => fields.length === 3)
  .map(([token, number, staff], i) => ({
    i: conns.length + i, token, number, staff, kind: 'case', ready: false, arrivedAt: null, error: null, req: null,
    waiting: null,
  }));
conns.push(...cases);
let ready = 0;
let readyCampaign = 0;
let failed = 0;
let t0 = null;
let arrived = 0;
const errors = {};
let onProgress = () => {};

function open(conn) {
  return new Promise((resolve) => {
    let settled = false;
    const done = () => { if (!settled) { settled = true; resolve(); } };
    const req = http.request({
      host: base.hostname, port: base.port, path: '/api/v1/me/events', method: 'GET', agent: false,
      headers: { cookie: `ms_session=${conn.token}`, accept: 'text/event-stream' },
    });
    conn.req = req;
    req.setTimeout(0);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        conn.error = `HTTP ${res.statusCode}`;
        errors[conn.error] = (errors[conn.error] || 0) + 1;
        failed++;
        res.resume();
        done();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const m = block.match(/^event: ?(.*)$/m);
          const event = m ? m[1].trim() : null;
          if (event === 'ready' && !conn.ready) {
            conn.ready = true;
            ready++;
            if (conn.kind === 'campaign') readyCampaign++;
            done();
          } else if (event === 'notification' && conn.kind === 'case') {
            if (conn.waiting) conn.waiting(performance.now());
          } else if (event === 'notification' && conn.arrivedAt === null && t0 !== null) {
            conn.arrivedAt = performance.now() - t0;
            arrived++;
            onProgress();
          }
        }
      });
      res.on('end', () => { if (!conn.error) conn.error = 'closed by server'; });
    });
    req.on('error', (err) => {
      const key = err.code || err.message;
      if (!conn.ready) {
        conn.error = key;
        errors[key] = (errors[key] || 0) + 1;
        failed++;
      } else {
        conn.error = `after ready: ${key}`;
      }
      done();
    });
    req.end();
  });
}

function submit(path, cookie, body = '') {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname, port: base.port, path, method: 'POST', agent: false,
      headers: { cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))];
}

async function main() {
  // Open with a bounded number of handshakes in flight.
  const openStarted = performance.now();
  let next = 0;
  const deadline = openStarted + openTimeoutMs;
  async function worker() {
    while (next < conns.length && performance.now() < deadline) {
      const conn = conns[next++];
      await Promise.race([open(conn), new Promise((r) => setTimeout(r, Math.max(0, deadline - performance.now())))]);
    }
  }
  const progress = setInterval(() => log(`open: ${ready} ready, ${failed} failed of ${conns.length}`), 5000);
  await Promise.all(Array.from({ length: openConcurrency }, worker));
  clearInterval(progress);
  const openSeconds = (performance.now() - openStarted) / 1000;
  log(`open done: ${ready} ready, ${failed} failed in ${openSeconds.toFixed(1)} s`, JSON.stringify(errors));
  await new Promise((r) => setTimeout(r, 2000));
  sampleMemory();
  const rssBeforeKb = peakRssKb;

  // Submit the campaign and wait for the notifications.
  const allArrived = new Promise((resolve) => { onProgress = () => { if (arrived >= readyCampaign) resolve(); }; });
  t0 = performance.now();
  const answer = await submit(`/api/v1/staff/campaigns/${args.campaign}/submit`, args.staff);
  const submitMs = performance.now() - t0;
  let audience = null;
  try { audience = JSON.parse(answer.body).audience; } catch (_) { /* not JSON */ }
  log(`submit: HTTP ${answer.status} in ${submitMs.toFixed(0)} ms, audience ${audience}`);
  if (answer.status !== 200) log(answer.body.slice(0, 500));
  const arrivalProgress = setInterval(() => log(`arrived: ${arrived} of ${readyCampaign}`), 5000);
  await Promise.race([allArrived, new Promise((r) => setTimeout(r, waitMs))]);
  clearInterval(arrivalProgress);

  // Ordinary pushes, every stream still open: one staff action at a time.
  const caseDelays = [];
  const caseHttp = [];
  const caseErrors = {};
  for (const conn of cases.filter((c) => c.ready && !c.error)) {
    const arrival = new Promise((resolve) => { conn.waiting = resolve; });
    const started = performance.now();
    const acted = await submit(`/api/v1/staff/cases/${conn.number}/actions`, conn.staff, JSON.stringify({ action: 'accept' }));
    caseHttp.push(performance.now() - started);
    if (acted.status !== 200) {
      const key = `HTTP ${acted.status}`;
      caseErrors[key] = (caseErrors[key] || 0) + 1;
      if (caseErrors[key] === 1) log(`case ${conn.number}: ${key} ${acted.body.slice(0, 300)}`);
      conn.waiting = null;
      continue;
    }
    const at = await Promise.race([arrival, new Promise((r) => setTimeout(() => r(null), 10_000))]);
    conn.waiting = null;
    if (at === null) caseErrors['no notification in 10 s'] = (caseErrors['no notification in 10 s'] || 0) + 1;
    else caseDelays.push(at - started);
  }
  caseDelays.sort((a, b) => a - b);
  caseHttp.sort((a, b) => a - b);
  sampleMemory();
  clearInterval(sampler);

  const delays = conns.filter((c) => c.arrivedAt !== null).map((c) => c.arrivedAt).sort((a, b) => a - b);
  const droppedAfterReady = conns.filter((c) => c.ready && c.error).length;
  const result = {
    connections: conns.length,
    ready,
    failed_to_open: failed,
    open_errors: errors,
    dropped_after_ready: droppedAfterReady,
    open_seconds: Number(openSeconds.toFixed(1)),
    submit_status: answer.status,
    submit_ms: Math.round(submitMs),
    audience,
    arrived: delays.length,
    p50_ms: delays.length ? Math.round(percentile(delays, 0.5)) : null,
    p99_ms: delays.length ? Math.round(percentile(delays, 0.99)) : null,
    max_ms: delays.length ? Math.round(delays[delays.length - 1]) : null,
    case_actions: cases.length,
    case_arrived: caseDelays.length,
    case_errors: caseErrors,
    case_http_p50_ms: caseHttp.length ? Math.round(percentile(caseHttp, 0.5)) : null,
    case_p50_ms: caseDelays.length ? Math.round(percentile(caseDelays, 0.5)) : null,
    case_p99_ms: caseDelays.length ? Math.round(percentile(caseDelays, 0.99)) : null,
    case_max_ms: caseDelays.length ? Math.round(caseDelays[caseDelays.length - 1]) : null,
    server_rss_before_submit_mb: Math.round(rssBeforeKb / 1024),
    server_peak_rss_mb: Math.round(peakRssKb / 1024),
    server_vmhwm_mb: Math.round(hwmKb / 1024),
    client_rss_mb: Math.round(process.memoryUsage().rss / 1048576),
  };
  console.log(JSON.stringify(result));
  for (const c of conns) if (c.req) c.req.destroy();
  process.exit(0);
}

main().catch((err) => { console.error(err); process.exit(1); });
