import type { HostActions } from '../service/agent-facade.js';

/** The part of Electron's `dialog` the key backup and import use (main.ts passes the real one). */
export interface DialogLike {
  showSaveDialog(options: {
    title: string;
    defaultPath: string;
    buttonLabel: string;
    filters: { name: string; extensions: string[] }[];
    properties?: ('createDirectory' | 'showOverwriteConfirmation')[];
  }): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(options: {
    title: string;
    buttonLabel: string;
    filters: { name: string; extensions: string[] }[];
    properties: 'openFile'[];
  }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showMessageBox(options: {
    type: 'warning';
    title: string;
    message: string;
    detail: string;
    buttons: string[];
    defaultId: number;
    cancelId: number;
    noLink?: boolean;
  }): Promise<{ response: number }>;
}

export type KeyDialogs = Required<
  Pick<HostActions, 'chooseBackupPath' | 'chooseBackupFile' | 'confirmReplaceKey'>
>;

const KEY_FILES = [
  { name: 'Key files (JSON)', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];

/**
 * The desktop's save, open and confirm dialogs for "Back up key" and "Import key". They run in
 * the main process: the renderer never sees a key file's path or content.
 */
export function keyDialogs(dialog: DialogLike): KeyDialogs {
  return {
    chooseBackupPath: async (defaultPath) => {
      const r = await dialog.showSaveDialog({
        title: 'Save the node key backup',
        defaultPath,
        buttonLabel: 'Save backup',
        filters: KEY_FILES,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    chooseBackupFile: async () => {
      const r = await dialog.showOpenDialog({
        title: 'Import a node key backup',
        buttonLabel: 'Import',
        filters: KEY_FILES,
        properties: ['openFile'],
      });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    confirmReplaceKey: async (existing, imported) => {
      const r = await dialog.showMessageBox({
        type: 'warning',
        title: 'Replace the node key?',
        message: 'This data folder already has a different node key.',
        detail:
          `Current node ID: ${existing ?? 'unknown (its key file is damaged)'}\n` +
          `Node ID in the backup: ${imported}\n\n` +
          'Replacing it makes this app run as the imported node. The current key file is kept ' +
          'beside it, renamed with today’s date, so it can be restored. Run each node key on ' +
          'one machine only.',
        buttons: ['Cancel', 'Replace the key'],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      });
      return r.response === 1;
    },
  };
}
