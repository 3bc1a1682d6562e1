import { type ActionsElement, type CardChild, type CardElement, cardChildToFallbackText } from 'chat';

/** A Lark message card (card JSON 1.0), the form `interactive` messages and their PATCH updates take. */
export interface LarkCard {
  config: { wide_screen_mode: boolean; update_multi: boolean };
  header?: { title: { tag: 'plain_text'; content: string }; template?: string };
  elements: LarkCardElement[];
}

type LarkCardElement =
  | { tag: 'markdown'; content: string }
  | { tag: 'hr' }
  | { tag: 'action'; actions: LarkButton[] };

interface LarkButton {
  tag: 'button';
  text: { tag: 'plain_text'; content: string };
  type: 'default' | 'primary' | 'danger';
  value?: ButtonValue;
  url?: string;
}

/** What a button carries back in `card.action.trigger`: the Chat SDK action and the thread it belongs to. */
export interface ButtonValue {
  chat_action: string;
  chat_value?: string;
  chat_thread: string;
}

/** A card of one markdown block: every message is sent this way so that it can be updated later. */
export function markdownCard(markdown: string): LarkCard {
  return {
    config: { wide_screen_mode: true, update_multi: true },
    elements: [{ tag: 'markdown', content: markdown }],
  };
}

/** Renders a Chat SDK card as a Lark card; buttons carry `threadId` so their click finds its thread. */
export function toLarkCard(card: CardElement, threadId: string): LarkCard {
  const elements: LarkCardElement[] = [];
  if (card.subtitle) elements.push({ tag: 'markdown', content: card.subtitle });
  if (card.imageUrl) elements.push({ tag: 'markdown', content: `[image](${card.imageUrl})` });
  for (const child of card.children) elements.push(...toElements(child, threadId));
  return {
    config: { wide_screen_mode: true, update_multi: true },
    ...(card.title ? { header: { title: { tag: 'plain_text' as const, content: card.title } } } : {}),
    elements: elements.length > 0 ? elements : [{ tag: 'markdown', content: ' ' }],
  };
}

function toElements(child: CardChild, threadId: string): LarkCardElement[] {
  switch (child.type) {
    case 'text':
      return [{ tag: 'markdown', content: child.style === 'bold' ? `**${child.content}**` : child.content }];
    case 'divider':
      return [{ tag: 'hr' }];
    case 'section':
      return child.children.flatMap((nested) => toElements(nested, threadId));
    case 'fields':
      return [
        {
          tag: 'markdown',
          content: child.children.map((field) => `**${field.label}**: ${field.value}`).join('\n'),
        },
      ];
    case 'link':
      return [{ tag: 'markdown', content: `[${child.label}](${child.url})` }];
    case 'image':
      return [{ tag: 'markdown', content: `[${child.alt ?? 'image'}](${child.url})` }];
    case 'actions':
      return [{ tag: 'action', actions: toButtons(child, threadId) }];
    default: {
      const text = cardChildToFallbackText(child);
      return text ? [{ tag: 'markdown', content: text }] : [];
    }
  }
}

function toButtons(actions: ActionsElement, threadId: string): LarkButton[] {
  const buttons: LarkButton[] = [];
  for (const item of actions.children) {
    const type = item.type === 'button' || item.type === 'link-button' ? buttonType(item.style) : 'default';
    if (item.type === 'button') {
      buttons.push({
        tag: 'button',
        text: { tag: 'plain_text', content: item.label },
        type,
        value: {
          chat_action: item.id,
          chat_thread: threadId,
          ...(item.value === undefined ? {} : { chat_value: item.value }),
        },
      });
    } else if (item.type === 'link-button') {
      buttons.push({ tag: 'button', text: { tag: 'plain_text', content: item.label }, type, url: item.url });
    }
    // Selects and radio groups have no card 1.0 counterpart here; they are left out.
  }
  return buttons;
}

function buttonType(style: string | undefined): LarkButton['type'] {
  if (style === 'primary') return 'primary';
  if (style === 'danger') return 'danger';
  return 'default';
}

/** Reads a button value back from a card action, or null when the click is not one of ours. */
export function readButtonValue(value: unknown): ButtonValue | null {
  if (typeof value !== 'object' || value === null) return null;
  const { chat_action, chat_value, chat_thread } = value as Record<string, unknown>;
  if (typeof chat_action !== 'string' || typeof chat_thread !== 'string') return null;
  return { chat_action, chat_thread, ...(typeof chat_value === 'string' ? { chat_value } : {}) };
}
