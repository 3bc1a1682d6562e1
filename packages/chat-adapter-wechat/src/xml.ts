import { XMLBuilder, XMLParser } from 'fast-xml-parser';

// Values stay strings: MsgId is a 64-bit number that a JS number would round.
const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });
const builder = new XMLBuilder({ cdataPropName: '#cdata' });

/** The fields of a WeChat `<xml>...</xml>` packet, each as its text; null when the body is no such packet. */
export function parseWeChatXml(text: string): Record<string, string> | null {
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch {
    return null;
  }
  const root = (parsed as { xml?: unknown }).xml;
  if (typeof root !== 'object' || root === null) return null;
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}

/** A `<xml>` packet: strings go in CDATA sections, numbers as they are. */
export function buildWeChatXml(fields: Record<string, string | number>): string {
  const xml: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields))
    xml[name] = typeof value === 'number' ? value : { '#cdata': value };
  return builder.build({ xml }) as string;
}
