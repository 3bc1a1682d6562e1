import { Actions, Button, Card, CardText } from 'chat';

/** The card a bot posts to ask for a tool approval: a title, what is asked, Approve and Deny. */
export function approvalCard(request: string) {
  return Card({
    title: 'Allow Write?',
    children: [
      CardText('Write notes.md'),
      Actions([
        Button({ id: 'approve', label: 'Approve', value: request }),
        Button({ id: 'deny', label: 'Deny', value: request }),
      ]),
    ],
  });
}
