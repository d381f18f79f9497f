import net from 'node:net'

/**
 * A loopback TCP proxy in front of a server, to cut its WebSocket connections as a network failure would
 * (`killSockets`): connections whose request starts with `GET /ws` are the sockets.
 */
export interface TcpProxy {
  url: string
  killSockets(): number
  close(): Promise<void>
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<net.Socket>()
  const all = new Set<net.Socket>()
  const server = net.createServer((client) => {
    all.add(client)
    const upstream = net.connect(Number(port), hostname)
    all.add(upstream)
    let first = true
    client.on('data', (chunk: Buffer) => {
      if (first && chunk.subarray(0, 7).toString('latin1') === 'GET /ws') sockets.add(client)
      first = false
    })
    client.pipe(upstream).pipe(client)
    const end = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      all.delete(client)
      all.delete(upstream)
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    killSockets: () => {
      const count = sockets.size
      for (const socket of sockets) socket.destroy()
      return count
    },
    close: async () => {
      for (const socket of all) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
