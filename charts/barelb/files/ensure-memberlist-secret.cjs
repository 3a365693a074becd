// Creates the Secret that holds the speakers' heartbeat key, unless it already exists.
//
// Runs as the controller's init container (deploy/controller.yaml), so `kubectl apply -k deploy/` alone gives
// every cluster its own random key and no key is ever committed. It only ever creates: a Secret that exists
// (made by this script earlier, or by the operator beforehand, e.g. from a secrets manager) is left as it is,
// and the controller has no permission to read or change it. Plain Node with no dependencies, so it runs from
// the BareLB image with nothing but the pod's service account token.
'use strict';

const { randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');
const https = require('node:https');

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const name = process.env.BARELB_MEMBERLIST_SECRET || 'barelb-memberlist';
const namespace = readFileSync(`${SA_DIR}/namespace`, 'utf8').trim();

function log(level, event, msg, extra) {
  process.stdout.write(
    `${JSON.stringify({ level, time: Date.now(), event, secret: name, namespace, ...extra, msg })}\n`,
  );
}

const body = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name,
    namespace,
    labels: { 'app.kubernetes.io/name': 'barelb', 'app.kubernetes.io/component': 'speaker' },
  },
  type: 'Opaque',
  // 32 random bytes as 64 hex characters: the speaker takes the key's text as the HMAC key.
  stringData: { secretkey: randomBytes(32).toString('hex') },
});

const req = https.request(
  {
    host: process.env.KUBERNETES_SERVICE_HOST,
    port: process.env.KUBERNETES_SERVICE_PORT,
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`,
    ca: readFileSync(`${SA_DIR}/ca.crt`),
    headers: {
      authorization: `Bearer ${readFileSync(`${SA_DIR}/token`, 'utf8').trim()}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
    timeout: 10_000,
  },
  (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      if (text.length < 4096) text += chunk;
    });
    res.on('end', () => {
      if (res.statusCode === 201) log('info', 'secret_created', 'created the heartbeat key Secret');
      else if (res.statusCode === 409)
        log('info', 'secret_exists', 'heartbeat key Secret exists; left as is');
      else {
        // Exit non-zero: the kubelet retries the init container with backoff.
        log('error', 'secret_create_failed', 'could not create the heartbeat key Secret', {
          status: res.statusCode,
          response: text,
        });
        process.exitCode = 1;
      }
    });
  },
);
req.on('timeout', () => req.destroy(new Error('request timed out')));
req.on('error', (err) => {
  log('error', 'secret_create_failed', 'could not reach the API server', { err: String(err) });
  process.exitCode = 1;
});
req.end(body);
