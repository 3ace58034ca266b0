// The Express app: a greeting, a health check and CRUD on items (see README.md).
'use strict';

const express = require('express');
const { InvalidItem, checkItem } = require('./items');

function createApp(store) {
  const app = express();
  app.disable('x-powered-by');
  // every body is read as JSON whatever its content type, like the other blueprints
  app.use(express.json({ type: () => true }));

  app.get('/', (req, res) => res.json({ message: 'Hello from tinystack and Express!' }));
  app.get('/ping', (req, res) => res.json({ status: 'ok' }));

  app.put('/item', async (req, res) => {
    res.status(201).json(await store.create(checkItem(req.body)));
  });
  app.get('/item', async (req, res) => res.json({ items: await store.list() }));
  app.get('/item/:id', async (req, res) => {
    sendFound(res, req.params.id, await store.get(req.params.id));
  });
  app.post('/item/:id', async (req, res) => {
    const fields = checkItem(req.body);
    sendFound(res, req.params.id, await store.update(req.params.id, fields));
  });
  app.delete('/item/:id', async (req, res) => {
    if (await store.delete(req.params.id)) res.status(204).end();
    else notFound(res, req.params.id);
  });

  app.use((req, res) => res.status(404).json({ error: 'not found' }));
  app.use(handleError);
  return app;
}

function sendFound(res, id, item) {
  if (item) res.json(item);
  else notFound(res, id);
}

function notFound(res, id) {
  res.status(404).json({ error: `item '${id}' not found` });
}

// Express calls a four-argument middleware with the error; `next` must stay declared.
// eslint-disable-next-line no-unused-vars
function handleError(error, req, res, next) {
  if (error instanceof InvalidItem) {
    res.status(400).json({ error: error.message });
  } else if (error.type === 'entity.parse.failed') {
    res.status(400).json({ error: 'request body is not valid JSON' });
  } else if (error.status >= 400 && error.status < 500) {
    res.status(error.status).json({ error: error.message });
  } else {
    console.error(error);
    res.status(500).json({ error: 'internal server error' });
  }
}

module.exports = { createApp };
