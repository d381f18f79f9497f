import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OutputKind } from '@shared/output'
import type { InputValues, ProviderId, RunId } from '@shared/run'
import { openDatabase, schemaVersion, type Db } from './database'
import { migrations } from './migrations'
import { OutputsRepo } from './outputs-repo'
import { EventHub } from '../events/event-hub'
import { RunLedger } from '../runs/run-ledger'
import { RunsRepo } from './runs-repo'
import { GridsRepo } from './grids-repo'

describe('OutputsRepo', () => {
  let dir: string
  let db: Db
  let runs: RunLedger
  let outputs: OutputsRepo
  let seq = 0

  const addRun = (opts: { inputs: InputValues; provider?: ProviderId; deploymentId?: string; deploymentName?: string; batchId?: string; seedInput?: string | null }) => {
    seq++
    return runs.create({
      id: `r_run${seq}` as RunId,
      provider: opts.provider ?? 'demo',
      deploymentId: opts.deploymentId ?? 'dep-sketch',
      deploymentName: opts.deploymentName ?? 'Quick Sketch',
      inputs: opts.inputs,
      hookToken: `t${seq}`,
      webhookBase: null,
      batchId: opts.batchId ?? null,
      seedInput: opts.seedInput === undefined ? 'seed' : opts.seedInput,
      now: seq,
    }).id
  }
  const addOutput = (runId: string, opts: { index?: number; kind?: OutputKind; mime?: string; createdAt: number; id?: string; path?: string }) => {
    seq++
    return outputs.insert({
      id: opts.id ?? `o_out${String(seq).padStart(4, '0')}`,
      runId,
      index: opts.index ?? 0,
      root: '/library',
      path: opts.path ?? `2026-11-25/quick-sketch/${runId.slice(2, 10)}-${(opts.index ?? 0) + 1}.png`,
      kind: opts.kind ?? 'image',
      mime: opts.mime ?? 'image/png',
      bytes: 10,
      sha256: 'ab',
      width: 512,
      height: 512,
      durationMs: opts.kind === 'video' ? 2000 : null,
      createdAt: opts.createdAt,
    })
  }
  const ids = (list: { id: string }[] | null) => list?.map((o) => o.id)
  const search = (query: string) => ids(outputs.list({ query }))

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-outputs-'))
    db = openDatabase(join(dir, 'courier.db'))
    runs = new RunLedger({ db, events: new EventHub() })
    outputs = new OutputsRepo(db)
  })
  afterEach(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('describes each output with its run: provider, deployment, prompt, seed, batch', () => {
    const run = addRun({ inputs: { negative_prompt: 'blurry', positive_prompt: 'a lighthouse at dusk', seed: 42 }, batchId: 'b_1' })
    const output = addOutput(run, { createdAt: 100 })
    expect(output).toMatchObject({
      provider: 'demo',
      deploymentId: 'dep-sketch',
      deploymentName: 'Quick Sketch',
      prompt: 'a lighthouse at dusk',
      seed: 42,
      batchId: 'b_1',
      favourite: false,
      hasThumbnail: false,
      durationMs: null,
      width: 512,
    })
    const video = addOutput(run, { index: 1, kind: 'video', mime: 'video/mp4', createdAt: 101 })
    expect(video.durationMs).toBe(2000)
  })

  it('reads the seed from the input the form marked, else from an input named like a seed', () => {
    const marked = addRun({ inputs: { prompt: 'x', noise_seed: 7, seed: 9 }, seedInput: 'noise_seed' })
    const named = addRun({ inputs: { prompt: 'x', Seed: 5 }, seedInput: null })
    const none = addRun({ inputs: { prompt: 'x', steps: 20 }, seedInput: null })
    const unset = addRun({ inputs: { prompt: 'x' }, seedInput: 'seed' })
    expect(addOutput(marked, { createdAt: 1 }).seed).toBe(7)
    expect(addOutput(named, { createdAt: 2 }).seed).toBe(5)
    expect(addOutput(none, { createdAt: 3 }).seed).toBeNull()
    expect(addOutput(unset, { createdAt: 4 }).seed).toBeNull()
  })

  it('lists newest first and filters by run, batch, provider, deployment, kind, favourite and time', () => {
    const a = addRun({ inputs: { prompt: 'a' }, batchId: 'b_a' })
    const b = addRun({ inputs: { prompt: 'b' }, provider: 'comfydeploy', deploymentId: 'dep-dream', deploymentName: 'Dreamscape SDXL' })
    const a1 = addOutput(a, { createdAt: 100 }).id
    const a2 = addOutput(a, { index: 1, kind: 'video', mime: 'video/webm', createdAt: 200 }).id
    const b1 = addOutput(b, { createdAt: 300 }).id
    outputs.setFavourite(a1, true)

    expect(ids(outputs.list({}))).toEqual([b1, a2, a1])
    expect(ids(outputs.list({ runId: a as RunId }))).toEqual([a2, a1])
    expect(ids(outputs.list({ batchId: 'b_a' }))).toEqual([a2, a1])
    expect(ids(outputs.list({ provider: 'comfydeploy' }))).toEqual([b1])
    expect(ids(outputs.list({ deploymentId: 'dep-sketch' }))).toEqual([a2, a1])
    expect(ids(outputs.list({ kind: 'video' }))).toEqual([a2])
    expect(ids(outputs.list({ favourite: true }))).toEqual([a1])
    expect(ids(outputs.list({ favourite: false }))).toEqual([b1, a2])
    expect(ids(outputs.list({ from: 200 }))).toEqual([b1, a2])
    expect(ids(outputs.list({ to: 200 }))).toEqual([a1]) // `to` is exclusive
    expect(ids(outputs.list({ from: 100, to: 300, kind: 'image' }))).toEqual([a1])
    expect(ids(outputs.list({ provider: 'runcomfy' }))).toEqual([])
    expect(ids(outputs.list({ limit: 2 }))).toEqual([b1, a2])
  })

  it('pages with the `after` cursor without skipping or repeating outputs saved in the same millisecond', () => {
    const run = addRun({ inputs: { prompt: 'p' } })
    for (let i = 0; i < 7; i++) addOutput(run, { index: i, createdAt: i < 5 ? 500 : 400 + i, id: `o_page${i}` })
    const all = ids(outputs.list({}))!
    expect(all).toHaveLength(7)
    const seen: string[] = []
    let after: string | undefined
    for (;;) {
      const page = outputs.list({ limit: 3, ...(after ? { after: after as never } : {}) })!
      seen.push(...page.map((o) => o.id))
      if (page.length < 3) break
      after = page.at(-1)!.id
    }
    expect(seen).toEqual(all)
    expect(outputs.list({ after: 'o_gone' as never })).toBeNull()
  })

  it('finds outputs by the words of their prompt, prefix-matched, every word required', () => {
    const fox = addRun({ inputs: { prompt: 'A red fox in the snow', negative_prompt: 'lighthouse, blurry' } })
    const lighthouse = addRun({ inputs: { positive_prompt: 'a lighthouse at dusk', style_prompt: 'watercolour' }, deploymentName: 'Dreamscape SDXL' })
    const cafe = addRun({ inputs: { prompt: 'Café crème on a table' } })
    const f = addOutput(fox, { createdAt: 1 }).id
    const l = addOutput(lighthouse, { createdAt: 2 }).id
    const c = addOutput(cafe, { createdAt: 3 }).id

    expect(search('fox')).toEqual([f])
    expect(search('FO sno')).toEqual([f]) // prefixes, any case
    expect(search('fox dusk')).toEqual([]) // all words required
    expect(search('lighthouse')).toEqual([l]) // never through the negative prompt
    expect(search('blurry')).toEqual([])
    expect(search('water')).toEqual([l]) // a second prompt-like input
    expect(search('dreamscape')).toEqual([l]) // the deployment's name
    expect(search('quick sketch')).toEqual([c, f])
    expect(search('cafe creme')).toEqual([c]) // accents do not matter
    expect(search('crème')).toEqual([c])
    const file = outputs.get(f)!.path.split('/').pop()!.split('-')[0]!
    expect(search(file.slice(0, 5))).toEqual([f]) // the file's name
    expect(search('')).toEqual([c, l, f])
  })

  it('never lets search text reach FTS5 as syntax', () => {
    const fox = addRun({ inputs: { prompt: 'fox AND "quoted" words, near the NOT-end (x*y)' } })
    const other = addRun({ inputs: { prompt: 'nothing to see' } })
    const f = addOutput(fox, { createdAt: 1 }).id
    const o = addOutput(other, { createdAt: 2 }).id
    const hostile = [
      '"', '""', '"fox', 'fox"', '*', '**', 'fox*', '-fox', '+fox', '^fox', 'fox:', 'prompt:fox', 'NEAR(fox quoted)',
      'fox OR nothing', 'AND', 'OR', 'NOT', 'fox NOT quoted', '(', ')', '{prompt}: fox', "'; DROP TABLE outputs; --",
      '\\', '\u0000', '🦊', 'x'.repeat(200), '%', '_',
    ]
    for (const text of hostile) expect(() => outputs.list({ query: text }), text).not.toThrow()
    expect(search('"fox')).toEqual([f])
    expect(search('fox"')).toEqual([f])
    expect(search('fox*')).toEqual([f])
    expect(search('-fox')).toEqual([f])
    expect(search('AND')).toEqual([f]) // a word, not an operator
    expect(search('fox OR nothing')).toEqual([]) // OR is a word here, and nobody wrote "or"
    expect(search('NOT quoted')).toEqual([f])
    expect(search('(x*y)')).toEqual([f])
    expect(search('*')).toEqual([o, f]) // no word at all: nothing filtered
    expect(search('"')).toEqual([o, f])
    expect(search('🦊')).toEqual([o, f])
    expect(search('%')).toEqual([o, f])
  })

  it('counts what the gallery can filter by', () => {
    const a = addRun({ inputs: { prompt: 'a' } })
    const b = addRun({ inputs: { prompt: 'b' }, provider: 'comfydeploy', deploymentId: 'dep-dream', deploymentName: 'Dreamscape' })
    const c = addRun({ inputs: { prompt: 'c' }, provider: 'comfydeploy', deploymentId: 'dep-dream', deploymentName: 'Dreamscape SDXL' })
    addOutput(a, { createdAt: 1 })
    addOutput(a, { index: 1, kind: 'video', mime: 'video/mp4', createdAt: 2 })
    const fav = addOutput(b, { createdAt: 3 }).id
    addOutput(c, { createdAt: 4 })
    outputs.setFavourite(fav, true)
    expect(outputs.facets()).toEqual({
      total: 4,
      matching: 4,
      providers: [
        { id: 'comfydeploy', count: 2 },
        { id: 'demo', count: 2 },
      ],
      // The name of the newest run of a deployment is the one shown.
      deployments: [
        { id: 'dep-dream', name: 'Dreamscape SDXL', provider: 'comfydeploy', count: 2 },
        { id: 'dep-sketch', name: 'Quick Sketch', provider: 'demo', count: 2 },
      ],
      kinds: [
        { kind: 'image', count: 3 },
        { kind: 'video', count: 1 },
      ],
      sources: [{ source: 'generated', count: 4 }],
      favourites: 1,
    })
  })

  it('counts what the search and the other filters leave, each menu leaving out its own choice', () => {
    const fox = addRun({ inputs: { prompt: 'a red fox' } })
    const owl = addRun({ inputs: { prompt: 'an owl' }, provider: 'comfydeploy', deploymentId: 'dep-dream', deploymentName: 'Dreamscape' })
    addOutput(fox, { createdAt: 1 })
    const foxVideo = addOutput(fox, { index: 1, kind: 'video', mime: 'video/mp4', createdAt: 2 }).id
    addOutput(owl, { createdAt: 3 })
    addOutput(owl, { index: 1, createdAt: 4 })
    outputs.setFavourite(foxVideo, true)

    const found = outputs.facets({ query: 'fox' })
    expect(found.total).toBe(4)
    expect(found.matching).toBe(2)
    expect(found.kinds).toEqual([
      { kind: 'image', count: 1 },
      { kind: 'video', count: 1 },
    ])
    expect(found.providers).toEqual([{ id: 'demo', count: 2 }])
    expect(found.favourites).toBe(1)

    // Choosing a kind narrows the other menus and the match, not the kind buttons themselves.
    const videos = outputs.facets({ query: 'fox', kind: 'video' })
    expect(videos.matching).toBe(1)
    expect(videos.kinds).toEqual(found.kinds)
    expect(videos.providers).toEqual([{ id: 'demo', count: 1 }])
    // A provider chosen: the provider menu still offers the others.
    const dream = outputs.facets({ provider: 'comfydeploy' })
    expect(dream.matching).toBe(2)
    expect(dream.providers).toEqual([
      { id: 'comfydeploy', count: 2 },
      { id: 'demo', count: 2 },
    ])
    expect(dream.kinds).toEqual([{ kind: 'image', count: 2 }])
    expect(outputs.facets({ favourite: true }).favourites).toBe(1)
    expect(outputs.facets({ favourite: true }).matching).toBe(1)
  })

  it('counts nothing in an empty library', () => {
    expect(outputs.facets()).toEqual({ total: 0, matching: 0, providers: [], sources: [], deployments: [], kinds: [], favourites: 0 })
  })

  it('marks favourites and thumbnails', () => {
    const run = addRun({ inputs: { prompt: 'x' } })
    const id = addOutput(run, { createdAt: 1 }).id
    expect(outputs.setFavourite(id, true)?.favourite).toBe(true)
    expect(outputs.setFavourite(id, false)?.favourite).toBe(false)
    expect(outputs.setFavourite('o_missing', true)).toBeUndefined()
    outputs.setThumbnail(id, 'ready')
    expect(outputs.get(id)?.hasThumbnail).toBe(true)
    outputs.setThumbnail(id, 'failed')
    expect(outputs.get(id)?.hasThumbnail).toBe(false)
  })

  it('forgets removed outputs, their search entries included, and never downloads them again', () => {
    const run = addRun({ inputs: { prompt: 'a lonely fox' } })
    const keep = addOutput(run, { index: 0, createdAt: 1 }).id
    const drop = addOutput(run, { index: 1, createdAt: 2 }).id
    expect(search('lonely')).toEqual([drop, keep])
    expect(outputs.remove([drop, 'o_unknown'])).toEqual(new Set([run]))
    expect(outputs.get(drop)).toBeUndefined()
    expect(search('lonely')).toEqual([keep])
    expect(db.prepare('SELECT count(*) AS n FROM outputs_fts').all()).toEqual([{ n: 1 }])
    expect(outputs.savedIndexes(run)).toEqual(new Set([0, 1]))
  })

  it('indexes outputs saved before the search existed when migrating to version 4', () => {
    db.close()
    const file = join(dir, 'old.db')
    const old = new Database(file)
    for (const migration of migrations.filter((m) => m.version <= 3)) old.exec(migration.sql)
    old.exec('PRAGMA user_version = 3')
    old.prepare(
      `INSERT INTO runs (id, provider, deployment_id, deployment_name, status, inputs, hook_token, created_at, updated_at)
       VALUES ('r_old', 'demo', 'dep', 'Motion Loop', 'succeeded', '{"prompt":"a glowing orb","negative_prompt":"square","seed":3}', 'tok', 1, 1)`,
    ).run()
    old.prepare(
      `INSERT INTO outputs (id, run_id, idx, root, path, kind, mime, bytes, sha256, width, height, created_at)
       VALUES ('o_old', 'r_old', 0, '/lib', '2026-01-01/motion-loop/rold-1.webm', 'video', 'video/webm', 5, 'x', NULL, NULL, 1)`,
    ).run()
    old.close()

    db = openDatabase(file)
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version)
    const repo = new OutputsRepo(db)
    expect(repo.get('o_old')).toMatchObject({ prompt: 'a glowing orb', seed: 3, favourite: false, batchId: null, durationMs: null, hasThumbnail: false })
    expect(ids(repo.list({ query: 'glow' }))).toEqual(['o_old'])
    expect(ids(repo.list({ query: 'motion' }))).toEqual(['o_old'])
    expect(ids(repo.list({ query: 'rold' }))).toEqual(['o_old'])
    expect(ids(repo.list({ query: 'square' }))).toEqual([])
    expect(new RunsRepo(db).get('r_old')!.batchId).toBeNull()
  })

  it('keeps every row, its search entry and favourite when migrating to version 6 (outputs without a run)', () => {
    db.close()
    const file = join(dir, 'v5.db')
    const old = new Database(file)
    old.exec('PRAGMA foreign_keys = ON')
    for (const migration of migrations.filter((m) => m.version <= 5)) {
      old.exec(migration.sql)
      migration.backfill?.(old)
    }
    old.exec('PRAGMA user_version = 5')
    old.prepare(
      `INSERT INTO runs (id, provider, deployment_id, deployment_name, status, inputs, hook_token, created_at, updated_at)
       VALUES ('r_v5', 'demo', 'dep', 'Harbour Night', 'succeeded', '{"prompt":"a quiet harbour","seed":11}', 'tok5', 1, 1)`,
    ).run()
    const index = old.prepare('INSERT INTO outputs_fts (prompt, deployment, file) VALUES (?, ?, ?)')
    for (const [n, fav] of [[1, 1], [2, 0]] as const) {
      // A gap in the FTS rowids: the migration must keep each row's own, not renumber them.
      if (n === 2) index.run('spacer', 'spacer', 'spacer')
      const { lastInsertRowid } = index.run('a quiet harbour', 'Harbour Night', `rv5-${n}.png`)
      old.prepare(
        `INSERT INTO outputs (id, run_id, idx, root, path, kind, mime, bytes, sha256, width, height, created_at, favourite, fts_rowid, thumbnail, original_sha256, record)
         VALUES (?, 'r_v5', ?, '/lib', ?, 'image', 'image/png', 5, ?, 4, 3, ?, ?, ?, 'ready', 'orig', 'embedded')`,
      ).run(`o_v5_${n}`, n - 1, `2026-01-01/harbour-night/rv5-${n}.png`, `sha${n}`, n, fav, lastInsertRowid)
    }
    old.close()

    db = openDatabase(file)
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version) // every later migration applied too
    const repo = new OutputsRepo(db)
    expect(repo.get('o_v5_1')).toMatchObject({ runId: 'r_v5', prompt: 'a quiet harbour', seed: 11, favourite: true, hasThumbnail: true, source: 'generated', missing: false, folder: null, originalSha256: 'orig' })
    expect(repo.get('o_v5_2')).toMatchObject({ favourite: false })
    expect(ids(repo.list({ query: 'harbour' }))).toEqual(['o_v5_2', 'o_v5_1'])
    expect(ids(repo.list({ query: 'rv5' }))).toEqual(['o_v5_2', 'o_v5_1'])
    expect(ids(repo.list({ favourite: true }))).toEqual(['o_v5_1'])
    // Indexes and the delete trigger were made again: deleting a row takes its search entry with it.
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'outputs' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
    expect(indexes).toEqual(expect.arrayContaining(['outputs_by_time', 'outputs_favourites', 'outputs_by_fts', 'outputs_fts_delete', 'outputs_by_sha256', 'outputs_by_import', 'outputs_by_original_sha256']))
    repo.remove(['o_v5_1'])
    expect(ids(repo.list({ query: 'harbour' }))).toEqual(['o_v5_2'])
    expect(db.prepare("SELECT count(*) AS n FROM outputs_fts WHERE outputs_fts MATCH 'harbour'").all()).toEqual([{ n: 1 }])
    // A run's deletion still takes its outputs (the foreign key survived the rebuild).
    db.prepare("DELETE FROM runs WHERE id = 'r_v5'").run()
    expect(repo.count()).toBe(0)
  })

  it('keeps imported files without a run: searchable by their prompt and title, filtered by source, marked missing', () => {
    const run = addRun({ inputs: { prompt: 'a red fox', seed: 1 } })
    const ours = addOutput(run, { createdAt: 10 })
    const importId = Number(db.prepare("INSERT INTO imports (path, created_at) VALUES ('/pictures/comfy', 1)").run().lastInsertRowid)
    const imported = outputs.insertImported({
      id: 'o_imp1', importId, root: '/pictures/comfy', path: 'day/ComfyUI_0001.png', kind: 'image', mime: 'image/png', bytes: 9, sha256: 'imp',
      width: 8, height: 8, durationMs: null, title: 'ComfyUI', prompt: 'a lighthouse at dusk', seed: 42, mtime: 5, createdAt: 20,
    })
    expect(imported).toMatchObject({ runId: null, provider: null, deploymentId: null, deploymentName: 'ComfyUI', prompt: 'a lighthouse at dusk', seed: 42, source: 'imported', folder: '/pictures/comfy', missing: false, batchId: null })
    expect(ids(outputs.list({ query: 'lighthouse' }))).toEqual(['o_imp1'])
    expect(ids(outputs.list({ query: 'comfyui' }))).toEqual(['o_imp1'])
    expect(ids(outputs.list({ source: 'imported' }))).toEqual(['o_imp1'])
    expect(ids(outputs.list({ source: 'generated' }))).toEqual([ours.id])
    const facets = outputs.facets({})
    expect(facets.sources).toEqual(expect.arrayContaining([{ source: 'imported', count: 1 }, { source: 'generated', count: 1 }]))
    expect(facets.providers).toEqual([{ id: 'demo', count: 1 }])
    expect(facets.deployments.map((d) => d.id)).toEqual(['dep-sketch'])
    expect(outputs.facets({ source: 'imported' }).matching).toBe(1)
    expect(outputs.hasHash('imp')).toBe(true)
    expect(outputs.locations().map((l) => l.id)).toEqual([ours.id])
    outputs.setMissing(['o_imp1'], true)
    expect(outputs.get('o_imp1')!.missing).toBe(true)
    expect(outputs.importedFiles(importId).get('day/ComfyUI_0001.png')).toMatchObject({ id: 'o_imp1', bytes: 9, mtime: 5, missing: true })
    expect(outputs.remove(['o_imp1'])).toEqual(new Set())
    expect(ids(outputs.list({ query: 'lighthouse' }))).toEqual([])
  })

  it('answers hasHash from indexes, never by reading the whole table (an import asks it for every file)', () => {
    const saved = addOutput(addRun({ inputs: { prompt: 'a red fox', seed: 1 } }), { createdAt: 10 })
    db.prepare("UPDATE outputs SET original_sha256 = 'sent' WHERE id = ?").run(saved.id)
    expect(outputs.hasHash('sent')).toBe(true)
    expect(outputs.hasHash(saved.sha256)).toBe(true)
    expect(outputs.hasHash('neither')).toBe(false)
    for (const column of ['sha256', 'original_sha256']) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT 1 AS x FROM outputs WHERE ${column} = ? LIMIT 1`).all('x') as { detail: string }[]
      expect(plan.map((step) => step.detail).join('; ')).toMatch(/USING (COVERING )?INDEX/)
    }
  })

  it('lists a grid’s cell outputs and its image by gridId; the image has no run but its grid’s provider and deployment', () => {
    new GridsRepo(db).insert({ id: 'g_1', provider: 'demo', deploymentId: 'dep-sketch', deploymentName: 'Quick Sketch', inputs: { prompt: 'a fox' }, axes: [], cellTime: true, createdAt: 1 })
    const cellRun = runs.create({ id: 'r_cell' as RunId, provider: 'demo', deploymentId: 'dep-sketch', deploymentName: 'Quick Sketch', inputs: { prompt: 'a fox', seed: 1 }, hookToken: 'tc', webhookBase: null, gridId: 'g_1', waiting: true, now: 2 })
    expect(cellRun).toMatchObject({ gridId: 'g_1', waiting: true, status: 'submitting' })
    const other = addOutput(addRun({ inputs: { prompt: 'elsewhere' } }), { createdAt: 5 })
    const cell = addOutput(cellRun.id, { createdAt: 10 })
    const image = outputs.insertGridImage({
      id: 'o_grid',
      gridId: 'g_1',
      root: '/library',
      path: '2026-11-25/quick-sketch/grid-1.png',
      kind: 'image',
      mime: 'image/png',
      bytes: 10,
      sha256: 'cd',
      width: 1000,
      height: 800,
      createdAt: 20,
      title: 'Quick Sketch grid',
      prompt: 'a fox',
      record: 'embedded',
    })
    expect(cell.gridId).toBe('g_1')
    expect(other.gridId).toBeNull()
    expect(image).toMatchObject({ runId: null, gridId: 'g_1', provider: 'demo', deploymentId: 'dep-sketch', deploymentName: 'Quick Sketch', source: 'generated', prompt: 'a fox' })
    expect(ids(outputs.list({ gridId: 'g_1' }))).toEqual(['o_grid', cell.id])
    expect(search('fox')).toContain('o_grid')
    // Deleted from the gallery, it is no longer the grid's image.
    const grids = new GridsRepo(db)
    grids.setImage('g_1', { state: 'saved', outputId: 'o_grid' })
    expect(grids.get('g_1')?.imageOutputId).toBe('o_grid')
    outputs.remove(['o_grid'])
    expect(grids.get('g_1')?.imageOutputId).toBeNull()
  })
})
