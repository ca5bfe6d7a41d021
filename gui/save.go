package gui

import (
	"fyne.io/fyne/v2"

	"github.com/postino-mail/postino/export/atomicfile"
)

// writeSaved writes an export the person chose a place for. A file that
// holds the password is written as the CLI writes one (docs/security.md):
// readable by its owner only (0600), atomically (a temporary file in the
// same folder, synced, then renamed into place) and never through a
// symlink (the rename replaces a link at that name instead of writing
// into whatever it points to). Fyne's save dialog hands over the file
// already opened, so w is closed unwritten and the file is replaced.
// Anything else goes through w, as before.
func writeSaved(w fyne.URIWriteCloser, data []byte, holdsPassword bool) error {
	uri := w.URI()
	if !holdsPassword || uri.Scheme() != "file" {
		_, err := w.Write(data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return writePrivateFile(uri.Path(), data)
}

// writePrivateFile replaces path with a new file holding data, mode 0600
// from its first byte (atomicfile).
func writePrivateFile(path string, data []byte) error {
	return atomicfile.Write(path, data, atomicfile.Options{Mode: 0o600})
}
