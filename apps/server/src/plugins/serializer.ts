import fastJson from 'fast-json-stringify'
import type { FastifySerializerCompiler } from 'fastify/types/schema.js'
import { type ZodType, z } from 'zod'

/**
 * Response bodies are written by fast-json-stringify from the JSON Schema of each route's zod response schema,
 * as Fastify does with JSON Schema routes, instead of being parsed by zod and then passed to `JSON.stringify`
 * (twice the CPU on a page of conversations). Only the properties a schema declares are written, so a row's
 * other columns never leak; TypeScript checks each handler's return type against its schema.
 *
 * Each serializer is built on its route's first reply: building all of them at start cost ~9 MB of memory at
 * rest and ~0.2 s of start-up, for routes a given server may never answer.
 */
export const serializerCompiler: FastifySerializerCompiler<ZodType> = ({ schema }) => {
  let serialize: ((data: unknown) => string) | undefined
  return (data) =>
    (serialize ??= fastJson(
      z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'any' }) as fastJson.AnySchema,
    ))(data)
}
