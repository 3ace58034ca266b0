// Serves the app on $HOST:$PORT (the image sets 0.0.0.0:8080).
'use strict';

const { createApp } = require('./app');
const { storeFromEnvironment } = require('./items');

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 8080);

const server = createApp(storeFromEnvironment()).listen(port, host, () => {
  console.log(`listening on http://${host}:${port}`);
});

// ECS stops a task with SIGTERM: finish the requests in flight, then exit.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
