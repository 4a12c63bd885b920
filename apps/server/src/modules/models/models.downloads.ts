import path from 'node:path'
import type { ModelDownload } from '@parley/protocol'
import { type CatalogueModel, catalogueModelUrl } from '../../llm/model-catalogue.ts'
import { ModelDownloadError } from '../../llm/model-download-error.ts'
import { downloadModelFile } from '../../llm/model-download.ts'
import { AppError } from '../../shared/errors.ts'

export interface ModelDownloadsDeps {
  /** `<data dir>/models`. */
  dir: string
  baseUrl: string
  now: () => Date
  /** Told when a file is in place and verified. */
  onDone: (model: CatalogueModel, file: string) => void
}

interface Job {
  view: ModelDownload
  startedMs: number
  controller: AbortController
  finished: Promise<void>
}

/**
 * Downloads of catalogue models, run in the server with the same code as `parley model pull` (resume over HTTP
 * Range, SHA-256 verification). One download per model at a time; finished ones stay listed until the next
 * start, so a reloaded screen still shows how the last one ended.
 */
export function createModelDownloads(deps: ModelDownloadsDeps) {
  const jobs = new Map<string, Job>()

  function start(model: CatalogueModel): ModelDownload {
    if (jobs.get(model.name)?.view.state === 'running')
      throw new AppError('download_running', `${model.name} is already being downloaded`)
    const now = deps.now()
    const job: Job = {
      startedMs: now.getTime(),
      controller: new AbortController(),
      view: {
        state: 'running',
        received_bytes: 0,
        total_bytes: null,
        resumed_from: 0,
        bytes_per_second: null,
        seconds_left: null,
        error: null,
        started_at: now.toISOString(),
        finished_at: null,
      },
      finished: Promise.resolve(),
    }
    job.finished = run(model, job)
    jobs.set(model.name, job)
    return withRate(job)
  }

  /** Speed is the average of this run up to now, so it falls while the server stalls. */
  function withRate(job: Job): ModelDownload {
    const { view } = job
    if (view.state !== 'running') return { ...view, bytes_per_second: null, seconds_left: null }
    const seconds = (deps.now().getTime() - job.startedMs) / 1000
    const speed = seconds > 0 ? (view.received_bytes - view.resumed_from) / seconds : null
    const left = view.total_bytes === null ? null : Math.max(0, view.total_bytes - view.received_bytes)
    return { ...view, bytes_per_second: speed, seconds_left: speed && left !== null ? left / speed : null }
  }

  async function run(model: CatalogueModel, job: Job) {
    const destination = path.join(deps.dir, model.file)
    try {
      await downloadModelFile({
        url: catalogueModelUrl(deps.baseUrl, model),
        destination,
        sha256: model.sha256,
        signal: job.controller.signal,
        onProgress: (progress) => {
          job.view.received_bytes = progress.received
          job.view.total_bytes = progress.total ?? null
          job.view.resumed_from = progress.resumedFrom
        },
      })
      Object.assign(job.view, { state: 'done', finished_at: deps.now().toISOString() })
      deps.onDone(model, destination)
    } catch (error) {
      const failure =
        error instanceof ModelDownloadError ? error : new ModelDownloadError('network', String(error), { cause: error })
      Object.assign(job.view, {
        state: failure.reason === 'aborted' ? 'cancelled' : 'failed',
        error: { reason: failure.reason, message: failure.message },
        finished_at: deps.now().toISOString(),
      })
    }
  }

  return {
    start,

    /** Stops a running download and answers once it has stopped; the partial file stays for a resume. */
    async cancel(model: CatalogueModel): Promise<ModelDownload> {
      const job = jobs.get(model.name)
      if (job?.view.state !== 'running') throw new AppError('not_found', `No download of ${model.name} is running`)
      job.controller.abort()
      await job.finished
      return withRate(job)
    },

    state: (name: string): ModelDownload | null => {
      const job = jobs.get(name)
      return job ? withRate(job) : null
    },

    /** Stops every running download at shutdown; their partial files stay for a later resume. */
    async close() {
      for (const job of jobs.values()) job.controller.abort()
      await Promise.all([...jobs.values()].map((job) => job.finished))
    },
  }
}
