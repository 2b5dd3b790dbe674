/** A desktop notification to the trader (Electron's Notification in the app, a recorder in tests). */
export interface Notifier {
  notify(notification: { title: string; body: string }): void;
}
