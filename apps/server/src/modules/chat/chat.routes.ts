import {
  Conversation,
  ConversationId,
  ConversationListItem,
  CreateConversationRequest,
  DeleteAllConversationsResponse,
  ForkConversationRequest,
  ListConversationsQuery,
  ListMessagesQuery,
  Id,
  ImportConversationsResponse,
  Message,
  MessageFeedback,
  ModelInfo,
  OkResponse,
  PostMessageRequest,
  PostMessageResponse,
  PutFeedbackRequest,
  SelectBranchRequest,
  UpdateConversationRequest,
} from '@parley/protocol'
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { principalOf } from '../../plugins/auth.ts'
import { conversationToMarkdown, exportFileName, jsonArrayLines } from './chat.export.ts'
import type { ChatService } from './chat.service.ts'
import { streamEvents, wantsEventStream } from './chat.sse.ts'

const tags = ['chat']
const security = [{ bearer: [] }]
const params = z.object({ id: ConversationId })

export const chatRoutes: FastifyPluginAsyncZod<{ chat: ChatService; importBodyLimit: number }> = async (
  app,
  { chat, importBodyLimit },
) => {
  app.addHook('onRequest', app.requireAuth())

  app.get(
    '/models',
    { schema: { tags, security, summary: 'Models you can pick', response: { 200: z.array(ModelInfo) } } },
    async () => chat.listModels(),
  )

  app.post(
    '/conversations',
    {
      schema: {
        tags,
        security,
        summary: 'Start a conversation',
        body: CreateConversationRequest,
        response: { 200: Conversation },
      },
    },
    async (request) => chat.create(principalOf(request), request.body),
  )

  app.post(
    '/conversations/import',
    {
      // An export file is larger than any other request (`PARLEY_IMPORT_BODY_LIMIT`).
      bodyLimit: importBodyLimit,
      schema: {
        tags,
        security,
        summary: 'Import conversations from an export file',
        description:
          "The body is the file: Parley's JSON export of a conversation, an array of them, or the `conversations.json` of ChatGPT's or Claude's data export (at most 1,000 conversations per request). Each conversation's current branch is imported (user and assistant text; images, files and tool output are left out) as a new conversation of yours, with its title and dates. Conversations with nothing to import are listed in `skipped`.",
        body: z.unknown(),
        response: { 201: ImportConversationsResponse },
      },
    },
    async (request, reply) => {
      const result = await chat.importConversations(principalOf(request), request.body)
      return reply.code(201).send(result)
    },
  )

  app.get(
    '/conversations/export',
    {
      schema: {
        tags,
        security,
        summary: 'Download all your conversations as one JSON file',
        description:
          'A JSON array of every conversation of yours, archived ones too, each as `GET /api/conversations/{id}/export` gives it: what `POST /api/conversations/import` reads back, here or on another server. Streamed, so a large account is never held in memory. `PARLEY_EXPORT_RATE_LIMIT` per hour.',
      },
    },
    async (request, reply) => {
      const conversations = await chat.exportAll(principalOf(request))
      const day = new Date().toISOString().slice(0, 10)
      void reply.header('content-disposition', `attachment; filename="parley-conversations-${day}.json"`)
      return reply.type('application/json; charset=utf-8').send(Readable.from(jsonArrayLines(conversations)))
    },
  )

  app.get(
    '/conversations',
    {
      schema: {
        tags,
        security,
        summary:
          'Your conversations, newest first (the archived ones only with `archived=true`); `q` searches titles and messages; next page cursor in `x-next-cursor`',
        querystring: ListConversationsQuery,
        response: { 200: z.array(ConversationListItem) },
      },
    },
    async (request, reply) => {
      const { items, nextCursor } = await chat.list(principalOf(request), request.query)
      if (nextCursor) void reply.header('x-next-cursor', nextCursor)
      return items
    },
  )

  app.delete(
    '/conversations',
    {
      schema: {
        tags,
        security,
        summary: 'Delete all your conversations with their messages',
        description:
          'Archived and temporary ones too, and their shared links end; it cannot be undone (download them first with `GET /api/conversations/export`).',
        response: { 200: DeleteAllConversationsResponse },
      },
    },
    async (request) => ({ deleted: await chat.removeAll(principalOf(request)) }),
  )

  app.get(
    '/conversations/:id',
    { schema: { tags, security, params, response: { 200: Conversation } } },
    async (request) => chat.get(principalOf(request), request.params.id),
  )

  app.patch(
    '/conversations/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Rename, pin, archive, or change model, system prompt, temperature or max tokens (null: the default)',
        params,
        body: UpdateConversationRequest,
        response: { 200: Conversation },
      },
    },
    async (request) => chat.update(principalOf(request), request.params.id, request.body),
  )

  app.delete(
    '/conversations/:id',
    { schema: { tags, security, summary: 'Delete with all messages', params, response: { 200: OkResponse } } },
    async (request) => {
      await chat.remove(principalOf(request), request.params.id)
      return { ok: true as const }
    },
  )

  app.post(
    '/conversations/:id/fork',
    {
      schema: {
        tags,
        security,
        summary: 'Branch in a new conversation: this one up to a reply of its active branch, with its settings',
        params,
        body: ForkConversationRequest,
        response: { 200: Conversation },
      },
    },
    async (request) => chat.fork(principalOf(request), request.params.id, request.body.message_id),
  )

  app.get(
    '/conversations/:id/messages',
    {
      schema: {
        tags,
        security,
        summary: 'Messages, oldest first',
        params,
        querystring: ListMessagesQuery,
        response: { 200: z.array(Message) },
      },
    },
    async (request) => chat.messages(principalOf(request), request.params.id, request.query),
  )

  app.post(
    '/conversations/:id/messages',
    {
      schema: {
        tags,
        security,
        summary:
          'Send a message; answers once the reply is stored, or streams it as SSE with `Accept: text/event-stream`',
        params,
        body: PostMessageRequest,
        response: { 200: PostMessageResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      const { content, model } = request.body
      if (!wantsEventStream(request)) {
        const { user_message, assistant_message } = await chat.send(principal, request.params.id, content, {
          model,
          log: request.log,
        })
        return { user_message, assistant_message }
      }
      await chat.get(principal, request.params.id) // ownership and validation errors still answer as JSON
      return streamEvents(request, reply, (stream) =>
        chat.send(principal, request.params.id, content, { model, log: request.log, ...stream }),
      )
    },
  )

  app.put(
    '/conversations/:id/branch',
    {
      schema: {
        tags,
        security,
        summary:
          'Show another version of a message: the branch through `message_id` becomes the active one (409 while a reply is being generated)',
        params,
        body: SelectBranchRequest,
        response: { 200: OkResponse },
      },
    },
    async (request) => {
      await chat.selectBranch(principalOf(request), request.params.id, request.body.message_id)
      return { ok: true as const }
    },
  )

  app.put(
    '/conversations/:id/messages/:message_id/feedback',
    {
      schema: {
        tags,
        security,
        summary: 'Rate a reply thumbs up or down, or take the rating back with `null`',
        params: z.object({ id: ConversationId, message_id: Id }),
        body: PutFeedbackRequest,
        response: { 200: MessageFeedback },
      },
    },
    async (request) =>
      chat.rateReply(principalOf(request), request.params.id, request.params.message_id, request.body.rating),
  )

  app.get(
    '/conversations/:id/export',
    {
      schema: {
        tags,
        security,
        summary: 'Download as JSON or Markdown',
        params,
        querystring: z.object({ format: z.enum(['json', 'markdown', 'md']).default('json') }),
      },
    },
    async (request, reply) => {
      const { conversation, messages } = await chat.exportConversation(principalOf(request), request.params.id)
      const markdown = request.query.format !== 'json'
      void reply.header(
        'content-disposition',
        `attachment; filename="${exportFileName(conversation, markdown ? 'md' : 'json')}"`,
      )
      if (markdown)
        return reply.type('text/markdown; charset=utf-8').send(conversationToMarkdown(conversation, messages))
      return reply.type('application/json; charset=utf-8').send(JSON.stringify({ conversation, messages }, null, 2))
    },
  )
}
