// Items, the one resource of this app: validation of request bodies and their storage.
//
// Storage is chosen by environment. With ITEMS_TABLE (which the stack sets to the name of
// the `items` table that tinystack.yaml declares) the items live in that DynamoDB table,
// whose partition key is the string attribute `id`; AWS_ENDPOINT_URL, when set, points the
// client at another endpoint (DynamoDB Local, moto, LocalStack). Without it, as when you
// run the app on your machine, they live in this process's memory (lost on restart).
'use strict';

const { randomUUID } = require('node:crypto');

const FIELDS = ['title', 'content'];

class InvalidItem extends Error {}

// The `title` and `content` of a decoded body; other keys (even `id`) are ignored.
function checkItem(data) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidItem('request body must be a JSON object');
  }
  const missing = FIELDS.filter((field) => typeof data[field] !== 'string');
  if (missing.length > 0) {
    throw new InvalidItem(`missing or non-string fields: ${missing.join(', ')}`);
  }
  return { title: data.title, content: data.content };
}

class MemoryStore {
  constructor() {
    this.items = new Map();
  }

  async create(fields) {
    const item = { id: randomUUID(), ...fields };
    this.items.set(item.id, item);
    return { ...item };
  }

  async list() {
    return [...this.items.values()].map((item) => ({ ...item }));
  }

  async get(id) {
    const item = this.items.get(id);
    return item ? { ...item } : null;
  }

  async update(id, fields) {
    if (!this.items.has(id)) return null;
    const item = { id, ...fields };
    this.items.set(id, item);
    return { ...item };
  }

  async delete(id) {
    return this.items.delete(id);
  }
}

class DynamoStore {
  constructor(tableName) {
    // required here so the in-memory mode never loads the AWS SDK
    const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
    this.commands = require('@aws-sdk/lib-dynamodb');
    const client = new DynamoDBClient({
      region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION,
      endpoint: process.env.AWS_ENDPOINT_URL || undefined,
    });
    this.documents = this.commands.DynamoDBDocumentClient.from(client);
    this.tableName = tableName;
  }

  async send(commandName, input) {
    const Command = this.commands[commandName];
    return this.documents.send(new Command({ TableName: this.tableName, ...input }));
  }

  async create(fields) {
    const item = { id: randomUUID(), ...fields };
    await this.send('PutCommand', { Item: item });
    return item;
  }

  async list() {
    const items = [];
    let startKey;
    do { // a scan returns at most 1 MB per call
      const page = await this.send('ScanCommand', { ExclusiveStartKey: startKey });
      items.push(...page.Items);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items.map(plain);
  }

  async get(id) {
    const { Item } = await this.send('GetCommand', { Key: { id } });
    return Item ? plain(Item) : null;
  }

  async update(id, fields) {
    try {
      const { Attributes } = await this.send('UpdateCommand', {
        Key: { id },
        UpdateExpression: 'SET #title = :title, #content = :content',
        ConditionExpression: 'attribute_exists(#id)', // never create on update
        ExpressionAttributeNames: { '#id': 'id', '#title': 'title', '#content': 'content' },
        ExpressionAttributeValues: { ':title': fields.title, ':content': fields.content },
        ReturnValues: 'ALL_NEW',
      });
      return plain(Attributes);
    } catch (error) {
      if (error.name === 'ConditionalCheckFailedException') return null;
      throw error;
    }
  }

  async delete(id) {
    try {
      await this.send('DeleteCommand', {
        Key: { id },
        ConditionExpression: 'attribute_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
      });
      return true;
    } catch (error) {
      if (error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

function plain(item) {
  return { id: String(item.id), title: String(item.title ?? ''), content: String(item.content ?? '') };
}

// DynamoStore when ITEMS_TABLE is set, else MemoryStore.
function storeFromEnvironment() {
  const tableName = process.env.ITEMS_TABLE;
  return tableName ? new DynamoStore(tableName) : new MemoryStore();
}

module.exports = { InvalidItem, checkItem, MemoryStore, DynamoStore, storeFromEnvironment };
