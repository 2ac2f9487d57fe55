// Test helpers: read the documents the policies feature makes back into text, to check they are
// valid files that hold what they should. Used only by tests.
import { inflateSync } from 'node:zlib'
import JSZip from 'jszip'

/** The text a PDF shows: checks the header and trailer, inflates each content stream and reads its TJ/Tj strings. */
export function pdfText(pdf: Buffer): string {
  const s = pdf.toString('latin1')
  if (!s.startsWith('%PDF-')) throw new Error('not a PDF: no %PDF- header')
  if (!/%%EOF\s*$/.test(s)) throw new Error('not a complete PDF: no %%EOF trailer')
  const lines: string[] = []
  const streams = /stream\r?\n([\s\S]*?)\r?\nendstream/g
  for (let m = streams.exec(s); m; m = streams.exec(s)) {
    let content: string
    try {
      content = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1')
    } catch {
      content = m[1]!
    }
    for (const op of content.matchAll(/\[((?:[^\]\\]|\\.)*)\]\s*TJ|(<[0-9a-fA-F]*>|\((?:[^)\\]|\\.)*\))\s*Tj/g)) {
      const parts = op[1] ?? op[2] ?? ''
      let line = ''
      for (const str of parts.matchAll(/<([0-9a-fA-F]*)>|\(((?:[^)\\]|\\.)*)\)/g)) {
        line += str[1] !== undefined ? Buffer.from(str[1], 'hex').toString('latin1') : str[2]!.replace(/\\([()\\])/g, '$1')
      }
      lines.push(line)
    }
  }
  return lines.join('\n')
}

/** The text of a Word document's body: unzips it and reads word/document.xml's text runs. */
export async function docxText(docx: Buffer): Promise<string> {
  if (docx.subarray(0, 2).toString('latin1') !== 'PK') throw new Error('not a DOCX: not a zip file')
  const zip = await JSZip.loadAsync(docx)
  const types = zip.file('[Content_Types].xml')
  if (!types) throw new Error('not a DOCX: no [Content_Types].xml')
  const xml = await zip.file('word/document.xml')?.async('string')
  if (!xml) throw new Error('not a DOCX: no word/document.xml')
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((r) => r[1]!).join(''))
    .join('\n')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
}
