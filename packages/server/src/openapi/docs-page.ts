import { createHash } from 'node:crypto';

// The interactive API page: plain HTML, CSS and script in one response, nothing fetched from
// elsewhere (it must work offline). It reads openapi.json next to it and builds one form per operation.

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f6f6f4}
header{padding:16px 24px;background:#1d1d1f;color:#fff}header h1{margin:0 0 6px;font-size:20px}
header input{width:320px;padding:5px;margin-left:6px}header a{color:#9cf;margin-left:12px}main{padding:16px 24px;max-width:1100px}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:0 0 10px;padding:8px 12px}
summary{cursor:pointer;font-weight:600}.m{display:inline-block;width:64px;font-family:monospace;text-transform:uppercase}
.get{color:#0a6}.post{color:#06c}.delete{color:#c30}.d{color:#555;margin:6px 0}
label{display:block;margin:6px 0 2px;font-family:monospace}input.p{width:360px;padding:4px}
textarea{width:100%;min-height:130px;font:12px monospace}button{margin:8px 8px 0 0;padding:5px 14px}
pre{background:#111;color:#eee;padding:10px;overflow:auto;max-height:420px;white-space:pre-wrap;font-size:12px}
`;

const SCRIPT = `
const base = location.pathname.replace(/\\/docs\\/?$/, '');
const keyInput = document.getElementById('key');
keyInput.value = sessionStorage.getItem('ccs-key') || '';
keyInput.addEventListener('input', () => sessionStorage.setItem('ccs-key', keyInput.value));
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}
function resolve(spec, schema) {
  if (schema && schema.$ref) return spec.components.schemas[schema.$ref.split('/').pop()];
  return schema || {};
}
function example(spec, schema) {
  schema = resolve(spec, schema);
  const out = {};
  for (const name of schema.required || []) {
    const p = schema.properties[name];
    out[name] = p.example !== undefined ? p.example : p.type === 'number' ? 1 : 'text';
  }
  return JSON.stringify(out, null, 2);
}
async function send(op, inputs, body, output, controllerBox) {
  let path = op.path;
  const query = new URLSearchParams();
  for (const p of op.parameters) {
    const v = inputs[p.name].value;
    if (p.in === 'path') path = path.replace('{' + p.name + '}', encodeURIComponent(v));
    else if (v !== '') query.set(p.name, v);
  }
  const headers = { 'X-Request-Id': 'docs-' + Date.now() };
  if (keyInput.value) headers['X-API-Key'] = keyInput.value;
  const init = { method: op.method.toUpperCase(), headers };
  if (body) { headers['Content-Type'] = 'application/json'; init.body = body.value; }
  const controller = new AbortController();
  controllerBox.current = controller;
  init.signal = controller.signal;
  output.textContent = '...';
  try {
    const qs = query.toString();
    const res = await fetch(base + path + (qs ? '?' + qs : ''), init);
    output.textContent = res.status + ' ' + res.statusText + '\\n';
    const retry = res.headers.get('retry-after');
    if (retry) output.textContent += 'Retry-After: ' + retry + '\\n';
    output.textContent += '\\n';
    if ((res.headers.get('content-type') || '').startsWith('text/event-stream')) {
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        output.textContent += decoder.decode(value, { stream: true });
        output.scrollTop = output.scrollHeight;
      }
    } else {
      const text = await res.text();
      try { output.textContent += JSON.stringify(JSON.parse(text), null, 2); }
      catch { output.textContent += text; }
    }
  } catch (error) {
    output.textContent += '\\n' + (error.name === 'AbortError' ? '(stopped)' : String(error));
  }
}
fetch(base + '/openapi.json').then((r) => r.json()).then((spec) => {
  document.getElementById('version').textContent = spec.info.version;
  const main = document.getElementById('ops');
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      op.path = path; op.method = method;
      const inputs = {};
      const box = el('details', {}, el('summary', {}, el('span', { class: 'm ' + method }, method), path + '  ',
        el('span', { class: 'd' }, op.summary)));
      box.append(el('div', { class: 'd' }, op.description || ''));
      for (const p of op.parameters) {
        inputs[p.name] = el('input', { class: 'p', placeholder: (p.schema && p.schema.example) || '' });
        box.append(el('label', {}, p.name + (p.required ? ' *' : '') + ' (' + p.in + ')'), inputs[p.name]);
      }
      let body = null;
      if (op.requestBody) {
        body = el('textarea', {});
        body.value = example(spec, op.requestBody.content['application/json'].schema);
        box.append(el('label', {}, 'body (JSON)'), body);
      }
      const output = el('pre', {});
      const controllerBox = {};
      const go = el('button', {}, 'Send');
      go.addEventListener('click', () => send(op, inputs, body, output, controllerBox));
      const stop = el('button', {}, 'Stop');
      stop.addEventListener('click', () => controllerBox.current && controllerBox.current.abort());
      box.append(el('div', {}, go, stop), output);
      main.append(box);
    }
  }
}).catch((error) => { document.getElementById('ops').textContent = 'Could not load openapi.json: ' + error; });
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's HTML and the Content-Security-Policy that lets exactly its own script and style run. */
export const docsPage = {
  html: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>claude-code-server API</title><style>${STYLE}</style></head>
<body><header><h1>claude-code-server API <small id="version"></small></h1>
<span>API key</span><input id="key" type="password" autocomplete="off" placeholder="X-API-Key (kept in this tab only)">
<a href="openapi.json">openapi.json</a></header>
<main id="ops"></main><script>${SCRIPT}</script></body></html>`,
  contentSecurityPolicy: [
    "default-src 'none'",
    `script-src ${hash(SCRIPT)}`,
    `style-src ${hash(STYLE)}`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
};
