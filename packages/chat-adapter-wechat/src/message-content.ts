import { cardToFallbackText } from '@chat-adapter/shared';
import {
  type AdapterPostableMessage,
  type ButtonElement,
  type CardChild,
  type CardElement,
  stringifyMarkdown,
} from 'chat';
import type { WeChatPacket } from './wechat-family-adapter.js';

/** The text of a received packet by its type. */
export function packetText(packet: WeChatPacket): string {
  switch (packet.MsgType) {
    case 'text':
      return packet.Content ?? '';
    case 'voice':
      return packet.Recognition || '[voice]';
    case 'link':
      return [packet.Title, packet.Url].filter(Boolean).join(' ');
    default:
      return `[${packet.MsgType ?? 'message'}]`;
  }
}

/** The text of a message to send that is not a card. */
export function postableText(message: AdapterPostableMessage): string {
  if (typeof message === 'string') return message;
  if ('raw' in message) return message.raw;
  if ('markdown' in message) return message.markdown;
  if ('ast' in message) return stringifyMarkdown(message.ast);
  return '';
}

/** A card as plain text: its title on the first line, then its body; buttons are left to the caller. */
export function cardText(card: CardElement): string {
  const body = cardToFallbackText({ ...card, title: undefined, subtitle: undefined });
  return [card.title, card.subtitle, body].filter(Boolean).join('\n');
}

/** The buttons of a card, also those inside its sections. */
export function cardButtons(children: CardChild[]): ButtonElement[] {
  return children.flatMap((child) => {
    if (child.type === 'actions') {
      return child.children.filter((item): item is ButtonElement => item.type === 'button');
    }
    return child.type === 'section' ? cardButtons(child.children) : [];
  });
}
