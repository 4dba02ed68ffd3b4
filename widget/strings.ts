/**
 * Every word the widget shows or announces. `{name}` marks a value filled in at render time;
 * a page may override any subset through the `strings` property.
 */
export const en = {
  loading: 'Loading connected apps…',
  empty: 'No apps connected',
  emptyHint: 'Apps you allow to access your accounts will appear here.',
  loadFailed: 'We couldn’t load your connected apps.',
  retry: 'Try again',
  expired: 'Your session has ended. Sign in again to manage your connected apps.',
  active: 'Connected apps',
  history: 'Stopped sharing',
  sharing: 'Sharing',
  stopped: 'Stopped',
  connectedSince: 'Connected since',
  lastAccessed: 'Last accessed',
  never: 'Never',
  stoppedOn: 'Stopped on',
  accounts: 'Accounts',
  sharedAccounts: 'Shared accounts',
  ending: 'ending in {digits}',
  shared: 'Shared',
  notShared: 'Not shared',
  saving: 'Saving…',
  accountSwitch: 'Share {account} ending in {digits} with {app}',
  autoShare: 'Share new accounts automatically',
  autoShareSwitch: 'Share new accounts with {app} automatically',
  autoShareOn: 'New accounts are shared automatically',
  autoShareOff: 'New accounts are not shared automatically',
  stop: 'Stop sharing',
  stopApp: 'Stop sharing with {app}',
  stopping: 'Stopping…',
  dialogTitle: 'Stop sharing with {app}?',
  dialogStops: '{app} will no longer be able to access your accounts.',
  dialogKeeps: 'Data {app} has already received is not deleted. To ask about that data, contact {app}.',
  cancel: 'Cancel',
  confirm: 'Stop sharing',
  saved: 'Your change for {app} is saved.',
  saveFailed: 'Your change for {app} could not be saved. Showing your current settings.',
  stoppedMsg: 'You stopped sharing with {app}.',
  stopFailed: 'Sharing with {app} could not be stopped. Please try again.',
};

export type Strings = typeof en;

export const es: Strings = {
  loading: 'Cargando aplicaciones conectadas…',
  empty: 'No hay aplicaciones conectadas',
  emptyHint: 'Aquí aparecerán las aplicaciones a las que permitas acceder a tus cuentas.',
  loadFailed: 'No pudimos cargar tus aplicaciones conectadas.',
  retry: 'Reintentar',
  expired: 'Tu sesión ha terminado. Vuelve a iniciar sesión para gestionar tus aplicaciones conectadas.',
  active: 'Aplicaciones conectadas',
  history: 'Ya no compartes datos',
  sharing: 'Compartiendo',
  stopped: 'Detenido',
  connectedSince: 'Conectada desde',
  lastAccessed: 'Último acceso',
  never: 'Nunca',
  stoppedOn: 'Detenido el',
  accounts: 'Cuentas',
  sharedAccounts: 'Cuentas compartidas',
  ending: 'terminada en {digits}',
  shared: 'Compartida',
  notShared: 'No compartida',
  saving: 'Guardando…',
  accountSwitch: 'Compartir {account} terminada en {digits} con {app}',
  autoShare: 'Compartir cuentas nuevas automáticamente',
  autoShareSwitch: 'Compartir cuentas nuevas con {app} automáticamente',
  autoShareOn: 'Las cuentas nuevas se comparten automáticamente',
  autoShareOff: 'Las cuentas nuevas no se comparten automáticamente',
  stop: 'Dejar de compartir',
  stopApp: 'Dejar de compartir con {app}',
  stopping: 'Deteniendo…',
  dialogTitle: '¿Dejar de compartir con {app}?',
  dialogStops: '{app} ya no podrá acceder a tus cuentas.',
  dialogKeeps: 'Los datos que {app} ya recibió no se eliminan. Para consultar sobre esos datos, contacta con {app}.',
  cancel: 'Cancelar',
  confirm: 'Dejar de compartir',
  saved: 'Se guardó tu cambio para {app}.',
  saveFailed: 'No se pudo guardar tu cambio para {app}. Se muestra tu configuración actual.',
  stoppedMsg: 'Dejaste de compartir con {app}.',
  stopFailed: 'No se pudo dejar de compartir con {app}. Inténtalo de nuevo.',
};

/** The shipped language for a BCP 47 tag, English unless the primary subtag is Spanish. */
export const stringsFor = (locale: string): Strings => (/^es\b/i.test(locale) ? es : en);

/** Fills `{name}` slots; the result is bound as text, so values need no escaping. */
export const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
