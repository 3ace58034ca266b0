// The app's HTTP contract over a real socket (in-memory store): `npm test`.
'use strict';

const assert = require('node:assert/strict');
const { after, before, test } = require('node:test');
const { createApp } = require('../src/app');
const { MemoryStore } = require('../src/items');

let server;
let base;

before(async () => {
  server = createApp(new MemoryStore()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

function call(method, path, body) {
  const init = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(base + path, init);
}

test('greeting and health check', async () => {
  assert.match((await (await call('GET', '/')).json()).message, /Hello/);
  assert.equal((await call('GET', '/ping')).status, 200);
});

test('CRUD round trip', async () => {
  const created = await call('PUT', '/item', { title: 'first', content: 'hello' });
  assert.equal(created.status, 201);
  const item = await created.json();
  assert.deepEqual(item, { id: item.id, title: 'first', content: 'hello' });
  assert.deepEqual((await (await call('GET', '/item')).json()).items, [item]);
  assert.deepEqual(await (await call('GET', `/item/${item.id}`)).json(), item);

  const changed = await call('POST', `/item/${item.id}`, { title: 'first', content: 'bye' });
  assert.deepEqual(await changed.json(), { ...item, content: 'bye' });

  assert.equal((await call('DELETE', `/item/${item.id}`)).status, 204);
  assert.equal((await call('GET', `/item/${item.id}`)).status, 404);
});

for (const body of ['{not json', '[]', '{"title": "no content"}']) {
  test(`bad body ${body} is 400`, async () => {
    const response = await call('PUT', '/item', body);
    assert.equal(response.status, 400);
    assert.ok((await response.json()).error);
  });
}

test('unknown ids are 404', async () => {
  assert.equal((await call('GET', '/item/nope')).status, 404);
  assert.equal((await call('POST', '/item/nope', { title: 'a', content: 'b' })).status, 404);
  assert.equal((await call('DELETE', '/item/nope')).status, 404);
});
