// Studio events → the window's renderer, on the contract's event channels (the preload hands only the
// payload to the UI's listener).
import type { WebContents } from 'electron';
import { eventChannel } from '../../preload/contract';
import type { EventHub } from '../services/event-hub';

export function forwardEvents(hub: EventHub, contents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  return hub.connect((event, payload) => {
    if (!contents.isDestroyed()) contents.send(eventChannel(event), payload);
  });
}
