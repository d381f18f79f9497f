import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startWebHost, type WebHost } from '../../src/main/web/web-host'
import type { TestCore } from './core-fixture'

/** The web host over a test core, on any free port, serving a stand-in renderer (a page and one script). */
export async function startTestWebHost(t: TestCore, token: string): Promise<WebHost> {
  const rendererDir = join(t.dataDir, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Comfy Courier</title><div id="root"></div>')
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  return startWebHost({ core: t.core, port: 0, rendererDir, token })
}
