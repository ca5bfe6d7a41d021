// Postino finds and tests the mail settings for an address. With no
// arguments it opens its window; with a sub-command it is a scriptable
// command line (see `postino help`).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/postino-mail/postino/assets"
	"github.com/postino-mail/postino/assets/i18n"
	"github.com/postino-mail/postino/detect"
	"github.com/postino-mail/postino/detect/cli"
	"github.com/postino-mail/postino/detect/event"
	"github.com/postino-mail/postino/detect/network"
	"github.com/postino-mail/postino/gui"
	"github.com/postino-mail/postino/gui/engine"
)

// envAutoCheck, when set, starts a check of that address as soon as the
// window opens (used by `make screenshots`; handy for support scripts).
const envAutoCheck = "POSTINO_AUTOCHECK"

func main() {
	// The one network of the program, on the system's resolvers; each
	// front end applies the person's DNS server to it (--dns or
	// $POSTINO_DNS, the DNS setting).
	nw := network.System()
	if len(os.Args) > 1 {
		cli.AttachParentConsole() // Windows: print in the console the command was typed in
		os.Exit(cli.Main(&cli.Env{
			Args:   os.Args[1:],
			Stdin:  os.Stdin,
			Stdout: os.Stdout,
			Stderr: os.Stderr,
			Getenv: os.Getenv,
			// Live progress only on a terminal: piped or redirected,
			// stderr gets no progress noise.
			StderrIsTerminal: isTerminal(os.Stderr),
			Network:          nw,
			Check:            detect.Check,
		}))
	}
	os.Exit(window(nw))
}

// envTimings, when set to the launch time in Unix milliseconds (or to
// 1), makes the window print its timings to stderr once the
// POSTINO_AUTOCHECK check is on screen, then quit (make bench-gui).
const envTimings = "POSTINO_GUI_TIMINGS"

// window opens the GUI on network nw and returns the exit code once it
// is closed.
func window(nw *network.Network) (code int) {
	if !gui.DisplayAvailable(os.Getenv) {
		fmt.Fprintln(os.Stderr, i18n.T("gui.nodisplay"))
		return cli.ExitUsage
	}
	if err := gui.DisplayReachable(os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, i18n.T("window.display.unreachable", map[string]any{"Display": displayName()}))
		return cli.ExitUsage
	}
	// The display answered but the driver could not start (no OpenGL,
	// an X server that refuses us): one line, not a stack trace. Once the
	// window is up, a panic is a bug, not the driver: it keeps its stack.
	started := false
	defer func() {
		if r := recover(); r != nil {
			if started {
				panic(r)
			}
			fmt.Fprintln(os.Stderr, i18n.T("window.display.failed", map[string]any{"Display": displayName(), "Error": fmt.Sprint(r)}))
			code = cli.ExitUsage
		}
	}()
	mark("go-main")
	a := app.NewWithID("io.github.postino_mail.postino")
	mark("app")
	a.SetIcon(assets.Icon)
	// Parsing the fonts is the slowest part of building the content;
	// do it while the driver opens the window and its GL context, and
	// build the content once they are parsed (gui.WarmFonts says why).
	fontsWarm := make(chan struct{})
	go func() { gui.WarmFonts(); close(fontsWarm) }()
	w := a.NewWindow("Postino")
	real := engine.Detect{Network: nw}
	var check gui.Engine = real
	var timings *benchTimings
	if v := os.Getenv(envTimings); v != "" {
		timings = newBenchTimings(v, real, a.Quit)
		check = timings
	}
	ui := gui.New(a, w, gui.Options{Engine: check, Retrier: real, RoundTripper: real, Health: engine.Health{Network: nw}, EnvDNS: os.Getenv("POSTINO_DNS"), Batch: engine.Batch{Network: nw}})
	if timings != nil {
		ui.OnMilestone(timings.milestone)
	}
	// Nothing may measure text while the fonts warm (gui.WarmFonts).
	<-fontsWarm
	w.SetContent(ui.Content())
	ui.Focus()
	w.SetTitle(i18n.T("gui.window.title"))
	w.Resize(fyne.NewSize(900, 600))
	w.SetMaster()
	mark("content")
	w.SetOnClosed(ui.Close)
	addr := os.Getenv(envAutoCheck)
	a.Lifecycle().SetOnStarted(func() {
		started = true
		// The collector's tighter target waits for start-up, whose font
		// parsing it would only slow down (gui/memory.go).
		go func() {
			gui.SettleMemory()
			if addr != "" {
				// Once the window is up and settled, as when a person
				// types: a check that ran before the first frame would
				// be shown no sooner.
				fyne.Do(func() { ui.AutoCheck(addr) })
			}
		}()
	})
	w.ShowAndRun()
	return cli.ExitOK
}

// marks are start-up milestones for POSTINO_GUI_TIMINGS.
var (
	processStart = time.Now() // package initialisation: the earliest Go code
	marks        []string
)

func mark(name string) {
	if os.Getenv(envTimings) != "" {
		marks = append(marks, name+"_ms="+strconv.FormatInt(time.Since(processStart).Milliseconds(), 10))
	}
}

// displayName is the display the window tried to use.
func displayName() string {
	if d := os.Getenv("WAYLAND_DISPLAY"); d != "" {
		return d
	}
	return os.Getenv("DISPLAY")
}

// benchTimings is the engine as make bench-gui runs it: it notes when the
// engine's check ended, and once the window has painted the finished
// check it prints one line of timings and quits.
type benchTimings struct {
	launch     time.Time
	inner      gui.Engine
	quit       func()
	mu         sync.Mutex
	started    time.Time
	engineDone time.Time
	firstFrame time.Time
	rendered   time.Time
	reported   bool
	// stopProfile ends the POSTINO_GUI_CPUPROFILE profile.
	stopProfile func()
}

func newBenchTimings(v string, inner gui.Engine, quit func()) *benchTimings {
	launch := time.Now()
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 1 {
		launch = time.UnixMilli(ms)
	}
	return &benchTimings{launch: launch, inner: inner, quit: quit}
}

// Check implements gui.Engine.
func (b *benchTimings) Check(ctx context.Context, req gui.Request, sink event.Sink) {
	b.mu.Lock()
	b.started = time.Now()
	b.mu.Unlock()
	if path := os.Getenv("POSTINO_GUI_CPUPROFILE"); path != "" {
		// From the check's start to the frame that shows it: where the
		// window's lag goes.
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			b.stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		}
	}
	b.inner.Check(ctx, req, sink)
	b.mu.Lock()
	b.engineDone = time.Now()
	b.mu.Unlock()
}

func (b *benchTimings) milestone(name string, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch name {
	case gui.MilestoneFirstFrame:
		b.firstFrame = at
		copySmaps("first-frame") // what the window holds before any check
	case gui.MilestoneCheckRendered:
		b.rendered = at
	case gui.MilestoneCheckShown:
		if b.engineDone.IsZero() || b.reported {
			return
		}
		b.reported = true // one report: a second painted frame may follow before quit
		if b.stopProfile != nil {
			b.stopProfile()
		}
		ms := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds()*1000, 'f', 1, 64) }
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(os.Stderr, "bench-gui first_frame_ms=%s engine_check_ms=%s window_check_ms=%s window_lag_ms=%s (rendered_ms=%s painted_ms=%s) rss_mb=%s peak_rss_mb=%s go_heap_inuse_mb=%.1f go_heap_live_mb=%.1f go_sys_mb=%.1f (since process start: exec_ms=%s %s)\n",
			ms(b.firstFrame.Sub(b.launch)), ms(b.engineDone.Sub(b.started)), ms(at.Sub(b.started)),
			ms(at.Sub(b.engineDone)), ms(b.rendered.Sub(b.engineDone)), ms(at.Sub(b.rendered)), rssMB(), peakRSSMB(), float64(m.HeapInuse)/(1<<20), liveHeapMB(), float64(m.Sys)/(1<<20),
			ms(processStart.Sub(b.launch)), strings.Join(marks, " "))
		if path := os.Getenv("POSTINO_GUI_HEAPPROFILE"); path != "" {
			if f, err := os.Create(path); err == nil {
				runtime.GC()
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		copySmaps("during")
		// The target holds after the check too: with POSTINO_GUI_AFTER
		// (a duration) the window stays idle that long and reports again.
		after, _ := time.ParseDuration(os.Getenv("POSTINO_GUI_AFTER"))
		if after <= 0 {
			b.quit()
			return
		}
		time.AfterFunc(after, func() {
			runtime.ReadMemStats(&m)
			fmt.Fprintf(os.Stderr, "bench-gui after_idle=%s rss_mb=%s peak_rss_mb=%s go_heap_inuse_mb=%.1f go_heap_live_mb=%.1f go_sys_mb=%.1f\n", after, rssMB(), peakRSSMB(), float64(m.HeapInuse)/(1<<20), liveHeapMB(), float64(m.Sys)/(1<<20))
			copySmaps("after")
			b.quit()
		})
	}
}

// liveHeapMB is the Go heap the last collection found reachable: what
// the window really holds, the rest of the heap being garbage not yet
// collected.
func liveHeapMB() float64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(s[0].Value.Uint64()) / (1 << 20)
}

// heapHint is an address on the Go heap for copySmaps.
var heapHint *[64]byte

// copySmaps saves /proc/self/smaps to $POSTINO_GUI_SMAPS.WHEN, so make
// bench-gui can say which mappings the resident set is made of (the Go
// heap, the GL driver's libraries and heap, the binary).
func copySmaps(when string) {
	path := os.Getenv("POSTINO_GUI_SMAPS")
	if path == "" {
		return
	}
	in, err := os.Open("/proc/self/smaps")
	if err != nil {
		return
	}
	defer in.Close()
	out, err := os.OpenFile(path+"."+when, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer out.Close()
	// Go randomises where its heap lives; an address on it tells the
	// reader which anonymous mappings are Go's (the arenas grow from
	// there). The file is streamed, not read whole: measuring must not
	// raise the peak it measures (reading it whole cost 1.4 MB).
	heapHint = new([64]byte) // a package variable's target: on the heap
	fmt.Fprintf(out, "go-heap-hint %s\n", strings.TrimPrefix(fmt.Sprintf("%p", heapHint), "0x"))
	_, _ = io.Copy(out, in)
}

// rssMB is the resident set size from /proc (Linux), or "?".
func rssMB() string { return statusMB("VmRSS:") }

// peakRSSMB is the largest resident set the process has had (VmHWM),
// start-up included.
func peakRSSMB() string { return statusMB("VmHWM:") }

// statusMB reads one kB field of /proc/self/status, in MB.
func statusMB(field string) string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
			if kb, err := strconv.Atoi(f[1]); err == nil {
				return strconv.FormatFloat(float64(kb)/1024, 'f', 1, 64)
			}
		}
	}
	return "?"
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
