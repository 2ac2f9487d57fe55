// For tests only: a real SMTP server (the smtp-server package) on 127.0.0.1 and a random port,
// keeping what it received, and able to refuse a message with a chosen reply code.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
  subject: string
  messageId: string
}

/** Decides each message's fate: null accepts it; a code (451, 550…) refuses it with that reply. */
export type Responder = (mail: ReceivedMail, index: number) => number | null

export interface TestSmtpServer {
  url: string
  received: ReceivedMail[]
  /** Every message offered, accepted or refused. */
  offered: number
  respond: Responder
  close(): Promise<void>
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? ''
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ')
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.trim() ?? ''
}

export async function startSmtpServer(respond: Responder = () => null): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    url: '', received: [], offered: 0, respond,
    close: async () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw, subject: header(raw, 'Subject'), messageId: header(raw, 'Message-ID'),
        }
        const code = state.respond(mail, state.offered++)
        if (code === null) {
          state.received.push(mail)
          callback()
        } else {
          callback(Object.assign(new Error(code < 500 ? 'Try again later' : 'Mailbox unavailable'), { responseCode: code }))
        }
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  return state
}
