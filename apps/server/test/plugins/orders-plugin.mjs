// A plugin module as an operator writes one (see README: Plugins).
import { createToolServer, tool } from '@claude-code-server/core';
import { z } from 'zod';

export default {
  toolServers: [
    createToolServer({
      name: 'orders',
      tools: [
        tool('lookup', 'Look up an order by its id', { orderId: z.string() }, async ({ orderId }) => {
          return `order ${orderId}: shipped`;
        }),
      ],
    }),
  ],
};
