import type { DialogLike } from '../../src-main/desktop/key-dialogs.js';

/** Electron's dialog for the key backup and import, answering what the test scripted. */
export function fakeDialog(answers: {
  savePath?: string | null;
  openPath?: string | null;
  confirmReplace?: boolean;
}) {
  const shown: { kind: 'save' | 'open' | 'confirm'; options: unknown }[] = [];
  const dialog: DialogLike = {
    showSaveDialog: async (options) => {
      shown.push({ kind: 'save', options });
      const path = answers.savePath;
      return path ? { canceled: false, filePath: path } : { canceled: true };
    },
    showOpenDialog: async (options) => {
      shown.push({ kind: 'open', options });
      const path = answers.openPath;
      return path ? { canceled: false, filePaths: [path] } : { canceled: true, filePaths: [] };
    },
    showMessageBox: async (options) => {
      shown.push({ kind: 'confirm', options });
      return { response: answers.confirmReplace ? 1 : 0 };
    },
  };
  return { dialog, shown, answers };
}
