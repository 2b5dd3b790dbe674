/** SECURITY: the renderer never gets a permission (camera, microphone, notifications, geolocation, …). */
export function denyPermissionRequest(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

export function denyPermissionCheck(): boolean {
  return false;
}
