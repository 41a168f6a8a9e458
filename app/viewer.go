package app

import (
	"os/exec"
	"runtime"
)

// openInViewer starts the system's opener on the file at path: xdg-open on
// Linux and the BSDs, open on macOS, the shell's file handler on Windows.
// exited gets the opener's result once it ends. Fyne's OpenURL starts the
// same programs but drops the process, and with it the only sign of
// whether a viewer took the file, and when it let go of it: an opener
// that hands the file to a viewer ends at once with success, one with no
// viewer to hand it to ends at once with failure (xdg-open exits 3), and
// one that is the viewer itself ends when the viewer is closed.
func openInViewer(path string) (exited <-chan error, err error) {
	cmd := viewerCommand(path)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }() // Wait also reaps the process
	return done, nil
}

func viewerCommand(path string) *exec.Cmd {
	switch runtime.GOOS {
	case "darwin":
		return exec.Command("open", path)
	case "windows":
		return exec.Command("rundll32", "url.dll,FileProtocolHandler", path)
	}
	return exec.Command("xdg-open", path)
}
