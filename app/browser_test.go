package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models/modelstest"
)

const chromiumPath = "/usr/bin/chromium"

// screenshotDir is where the browser tests leave their screenshots: $HANDOVER_TEST_OUTPUT when
// set (CI keeps it), else a folder in the system's temporary directory.
func screenshotDir(t *testing.T, backend string) string {
	base := os.Getenv("HANDOVER_TEST_OUTPUT")
	if base == "" {
		base = filepath.Join(os.TempDir(), "handover-test-output")
	}
	dir := filepath.Join(base, "screenshots", backend)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	t.Logf("screenshots in %s", dir)
	return dir
}

// browser is one person's own browser (its own cookies) on the product.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
}

func newBrowser(t *testing.T, alloc context.Context, base, dir string) *browser {
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	return &browser{t: t, ctx: ctx, base: base, dir: dir}
}

// do runs the steps with a bound on how long they may take.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		// Leave a picture of where it stopped, to see why.
		shot, cancelShot := context.WithTimeout(b.ctx, 10*time.Second)
		defer cancelShot()
		if png, serr := chromedp.Run(shot, chromedp.FullScreenshot(100)); serr == nil {
			_ = os.WriteFile(filepath.Join(b.dir, "failure.png"), png, 0o644)
		}
		html, _ := chromedp.Run(shot, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 2000) : ''`))
		b.t.Fatalf("browser steps failed: %v\npage text: %s", err, html)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	txt, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(b.t, err, sel)
	return strings.TrimSpace(txt)
}

// waitContains waits until the element's text holds want, without touching the page.
func (b *browser) waitContains(sel, want string) {
	b.t.Helper()
	js := fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e===null?null:e.textContent;})()`, sel)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[*string](js))
		cancel()
		if err == nil && got != nil && strings.Contains(*got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("%s never held %q", sel, want)
}

// waitText waits until the element's text is want, without touching the page.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	js := fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e===null?null:e.textContent.trim();})()`, sel)
	deadline := time.Now().Add(15 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		// A form's answer navigates the page: read again until the new page shows the text.
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[*string](js))
		cancel()
		if err == nil && got != nil {
			last = *got
			if last == want {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("%s reads %q, not %q", sel, last, want)
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(b.t, err)
	require.NoError(b.t, os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644))
}

func (b *browser) signIn(id string) {
	b.t.Helper()
	b.do(
		chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`button[name=demo][value=`+id+`]`)),
		chromedp.Click(chromedp.CSS(`button[name=demo][value=`+id+`]`)),
		chromedp.WaitVisible(chromedp.CSS(`.who`)),
	)
	name, start := id, "My inbox"
	if id == "root" {
		name = "administrator" // the demo administrator's name does not contain its ID
		start = "People and teams"
	}
	require.Equal(b.t, start, b.text("h1"), "each person starts on their own page")
	require.Contains(b.t, strings.ToLower(b.text(".who")), name)
}

func (b *browser) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	require.NoError(b.t, err)
	return loc
}

// TestBrowser carries one action through create, handover, accept and complete with two demo
// users in their own browsers, shows the hander's page following the recipient's acceptance
// live, and has a supervisor reassign from the board; it leaves screenshots of each screen.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("the browser tests need Chromium at %s (Debian packages chromium and chromium-driver; .ci/run installs them)", chromiumPath)
	}
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) { browserScenario(t, b.Name, b.URL(t)) })
	}
}

func browserScenario(t *testing.T, backend, dbURL string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := app.StartDev(ctx, app.DevConfig{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", DatabaseURL: dbURL, Demo: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Stop(context.Background()) })

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	// The browser starts with its first context; each person then gets a browser context of
	// their own, with their own cookies.
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(cancelRoot)
	require.NoError(t, chromedp.Do(root))
	alloc = root
	dir := screenshotDir(t, backend)

	alice := newBrowser(t, alloc, st.URL, dir)
	bob := newBrowser(t, alloc, st.URL, dir)
	alice.signIn("alice")
	bob.signIn("bob")

	// Alice creates an action for herself.
	alice.do(
		chromedp.Click(chromedp.CSS(`nav a[href="/actions/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#title`)),
		chromedp.SendKeys(chromedp.CSS(`#title`), "Late checkout for room 214"),
		chromedp.SendKeys(chromedp.CSS(`#customer_name`), "Ana Ruiz"),
		chromedp.SendKeys(chromedp.CSS(`#customer_ref`), "BK-2291"),
		chromedp.SendKeys(chromedp.CSS(`#details`), "Guest asks to stay until 14:00; confirm with housekeeping."),
		chromedp.Click(chromedp.CSS(`form[action="/actions"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#action-status`)),
	)
	require.Equal(t, "Late checkout for room 214", alice.text("h1"))
	require.Equal(t, "assigned", alice.text("#action-status"))
	require.Equal(t, "Alice Adams", alice.text("#action-owner"), "people by name")
	// The relative due time counts on between redraws: moved 25 minutes nearer, it says so.
	rel, err := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`(function () {
		var el = document.querySelector('[data-rel]');
		el.setAttribute('data-rel', new Date(Date.parse(el.getAttribute('data-rel')) - 25 * 60000).toISOString());
		window.handoverRelativeTimes();
		return el.textContent;
	})()`))
	require.NoError(t, err)
	require.Regexp(t, `^in 3h 3[45]m$`, rel, "due in 4h, 25 minutes nearer")
	// A time whose passing means something else than "ago" (a pause's end) says so once passed.
	passed, err := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`(function () {
		var el = document.createElement('span');
		el.setAttribute('data-rel', new Date(Date.now() - 5 * 60000).toISOString());
		el.setAttribute('data-rel-past', 'any moment now');
		document.getElementById('main').appendChild(el);
		window.handoverRelativeTimes();
		var text = el.textContent;
		el.remove();
		return text;
	})()`))
	require.NoError(t, err)
	require.Equal(t, "any moment now", passed)
	actionURL := alice.location()
	require.Contains(t, actionURL, "/actions/")
	// Exactly the owner's commands: no accept, no supervisor's reassign.
	for _, form := range []string{"#form-handover", "#form-complete", "#form-note"} {
		alice.do(chromedp.WaitReady(chromedp.CSS(form)))
	}
	var missing []string
	for _, form := range []string{"#form-accept", "#form-reassign", "#form-cancel"} {
		n, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) === null`, form)))
		require.NoError(t, err)
		if n {
			missing = append(missing, form)
		}
	}
	require.Len(t, missing, 3, "the owner sees no accept, reassign or cancel")

	// A handover without a summary is refused with the reason, and the form keeps what was typed.
	alice.do(
		chromedp.Click(chromedp.CSS(`details.cmd summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#ho-to`)),
		chromedp.SetValue(chromedp.CSS(`#ho-to`), "bob"),
		// How and in which situation are chosen, not taken from a default nobody picked.
		chromedp.SetValue(chromedp.CSS(`#ho-method`), "written"),
		chromedp.SetValue(chromedp.CSS(`#ho-situation`), "busy"),
		chromedp.SendKeys(chromedp.CSS(`#ho-reason`), "End of my shift"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('ho-summary').removeAttribute('required')`),
		chromedp.Click(chromedp.CSS(`#form-handover button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.problem`)),
	)
	require.Contains(t, alice.text(".problem"), "summary")
	// The refusal has the focus, so it is read out first, and the field it names says it is wrong.
	focusedProblem, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`document.activeElement.classList.contains('problem')`))
	require.NoError(t, err)
	require.True(t, focusedProblem, "the refusal has the focus")
	described, err := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`(function () {
		var f = document.getElementById('ho-summary');
		if (f.getAttribute('aria-invalid') !== 'true') { return 'not invalid'; }
		return document.getElementById(f.getAttribute('aria-describedby')).textContent;
	})()`))
	require.NoError(t, err)
	require.Contains(t, described, "required", "the summary field is described by its error")
	// The refusal, which has the focus, links to the field in error: the next Tab and Enter reach it.
	require.Equal(t, "Go to Summary", alice.text(".problem a.to-field"))
	alice.do(chromedp.KeyEvent(kb.Tab))
	active, err := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`document.activeElement.className`))
	require.NoError(t, err)
	require.Equal(t, "to-field", active, "the link is next after the refusal")
	alice.do(chromedp.KeyEvent(kb.Enter))
	active, err = chromedp.Run(alice.ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	require.NoError(t, err)
	require.Equal(t, "ho-summary", active)
	reason, err := chromedp.Run(alice.ctx, chromedp.Value(chromedp.CSS(`#ho-reason`)))
	require.NoError(t, err)
	require.Equal(t, "End of my shift", reason)

	alice.do(
		chromedp.SendKeys(chromedp.CSS(`#ho-summary`), "Late checkout agreed in principle, housekeeping not yet told."),
		chromedp.SendKeys(chromedp.CSS(`#ho-context`), "Returning guest, travelling with a child."),
		chromedp.SendKeys(chromedp.CSS(`#ho-done`), "Checked availability: room free until 16:00."),
		chromedp.SendKeys(chromedp.CSS(`#ho-next`), "Tell housekeeping; confirm to the guest by phone."),
		chromedp.SendKeys(chromedp.CSS(`#ho-risks`), "Housekeeping short-staffed after 12:00."),
		chromedp.SendKeys(chromedp.CSS(`#ho-message`), "Bob from the front desk will confirm your late checkout."),
		chromedp.SendKeys(chromedp.CSS(`#ho-follow`), "1h"),
		chromedp.Click(chromedp.CSS(`#form-handover button[type=submit]`)),
	)
	alice.waitText("#action-status", "handover pending")
	require.Contains(t, alice.text("#done"), "Handed over to Bob Brown")
	alice.screenshot("action-page")
	// Alice is on the note form's button (no id) when the page is next redrawn by a live update.
	alice.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('#form-note button[type=submit]').focus()`))

	// Bob finds it in his inbox, opens it and accepts with a read-back.
	bob.do(chromedp.Navigate(st.URL+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	require.Contains(t, bob.text(`section[aria-labelledby=h-awaiting]`), "Late checkout for room 214")
	bob.screenshot("inbox")
	bob.do(
		chromedp.Click(chromedp.CSS(`section[aria-labelledby=h-awaiting] a.card-title`)),
		chromedp.WaitVisible(chromedp.CSS(`#accept-summary`)),
	)
	require.Contains(t, bob.text(`.handover-notes`), "housekeeping not yet told")
	bob.do(
		chromedp.SendKeys(chromedp.CSS(`#accept-summary`), "I confirm the late checkout with housekeeping and call the guest."),
		chromedp.Click(chromedp.CSS(`#form-accept button[type=submit]`)),
	)
	bob.waitText("#action-owner", "Bob Brown")
	bob.waitText("#action-status", "assigned")
	// The message to the guest is Bob's to tell. "I told them" needs how: the browser asks, and
	// sends nothing. "Not needed" asks no method, so the browser sends it, and the page asks why.
	bob.do(chromedp.Click(chromedp.CSS(`.told-form button[value=told]`)))
	valueMissing, err := chromedp.Run(bob.ctx, chromedp.Evaluate[bool](`document.querySelector('.told-form select[name=method]').validity.valueMissing`))
	require.NoError(t, err)
	require.True(t, valueMissing, "the browser asks how the guest was told")
	require.Equal(t, actionURL, bob.location(), "and sends nothing")
	// Enter in the note records nothing, a method chosen or not: a note typed is not taken for "I
	// told them".
	bob.do(
		chromedp.Evaluate[chromedp.Void](`window.toldSent = false;
			document.querySelector('.told-form').addEventListener('submit', function () { window.toldSent = true; });`),
		chromedp.SetValue(chromedp.CSS(`.told-form select[name=method]`), "phone"),
		chromedp.SendKeys(chromedp.CSS(`.told-form input[name=note]`), "left a voicemail"+kb.Enter),
	)
	// Enter's submission, when there is one, is made as the key is handled: the flag says so at
	// once (and a page sent and drawn again has none).
	notSent, err := chromedp.Run(bob.ctx, chromedp.Evaluate[bool](`window.toldSent === false`))
	require.NoError(t, err)
	require.True(t, notSent, "the form was not sent")
	require.NotContains(t, bob.text(`.timeline`), "message delivered")
	bob.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('.told-form input[name=note]').value = ''; document.querySelector('.told-form select[name=method]').value = ''`))
	bob.do(
		chromedp.Click(chromedp.CSS(`.told-form button[value=not_needed]`)),
		chromedp.WaitVisible(chromedp.CSS(`.problem`)),
	)
	require.Contains(t, bob.text(`.problem`), "Note: is required when the customer need not be told")
	invalid, err := chromedp.Run(bob.ctx, chromedp.Evaluate[string](`document.querySelector('.told-form input[name=note]').getAttribute('aria-invalid') || ''`))
	require.NoError(t, err)
	require.Equal(t, "true", invalid, "the note field is marked")
	// Bob tells the guest by phone, then finds he rang the wrong room: he undoes the record, which
	// asks what was wrong first (the browser's check), and the message is his to tell again.
	bob.do(
		chromedp.SetValue(chromedp.CSS(`.told-form select[name=method]`), "phone"),
		chromedp.Click(chromedp.CSS(`.told-form button[value=told]`)),
	)
	bob.waitContains("#done", "was told the message")
	bob.do(
		chromedp.Click(chromedp.CSS(`details.undo summary`)),
		chromedp.WaitVisible(chromedp.CSS(`.undo-form button[type=submit]`)),
		chromedp.Click(chromedp.CSS(`.undo-form button[type=submit]`)),
	)
	noteMissing, err := chromedp.Run(bob.ctx, chromedp.Evaluate[bool](`document.querySelector('.undo-form input[name=note]').validity.valueMissing`))
	require.NoError(t, err)
	require.True(t, noteMissing, "the browser asks what was wrong")
	require.Equal(t, actionURL, bob.location(), "and sends nothing")
	require.NotContains(t, bob.text(`.timeline`), "record undone")
	bob.do(
		chromedp.SendKeys(chromedp.CSS(`.undo-form input[name=note]`), "Rang the wrong room"),
		chromedp.Click(chromedp.CSS(`.undo-form button[type=submit]`)),
	)
	bob.waitContains("#done", "is to tell again")
	require.Contains(t, bob.text(`.timeline`), "record undone")
	require.Contains(t, bob.text(`.timeline`), "Undone: see entry")
	bob.do(chromedp.WaitVisible(chromedp.CSS(`.told-form select[name=method]`)))

	// Alice's page, left open, follows the acceptance live, without a reload.
	alice.waitText("#action-owner", "Bob Brown")
	alice.waitText("#action-status", "assigned")
	refreshed, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`document.body.hasAttribute('data-refreshed')`))
	require.NoError(t, err)
	require.True(t, refreshed, "the page was redrawn by a live update")
	require.Equal(t, actionURL, alice.location(), "alice stayed on the page")
	kept, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector('#form-note button[type=submit]')`))
	require.NoError(t, err)
	require.True(t, kept, "the focus is where it was before the redraw, not at the top of the page")
	// What her handover form did ("you own it until they accept") no longer stands: it is gone.
	banner, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`document.getElementById('done') !== null`))
	require.NoError(t, err)
	require.False(t, banner, "the confirmation of the handover is gone once bob has accepted")
	// Alice pauses live updates: Bob's completion is announced, not drawn, until she resumes.
	alice.do(chromedp.Click(chromedp.CSS(`#live-pause`)))
	require.Equal(t, "Resume live updates", alice.text(`#live-pause`))
	pressed, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`document.getElementById('live-pause').hasAttribute('aria-pressed')`))
	require.NoError(t, err)
	require.False(t, pressed, "its name says what it does now: no pressed state beside it to contradict it")
	// It is a target big enough to hit (WCAG 2.5.8: 24 by 24 px at least), in the region that
	// holds the live updates' status line, not outside every landmark.
	size, err := chromedp.Run(alice.ctx, chromedp.Evaluate[[]float64](`(function () {
		var r = document.getElementById('live-pause').getBoundingClientRect();
		return [r.width, r.height];
	})()`))
	require.NoError(t, err)
	require.GreaterOrEqual(t, size[1], 24.0, "the pause button's height")
	require.GreaterOrEqual(t, size[0], 24.0, "the pause button's width")
	region, err := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`document.getElementById('live-pause').closest('section[aria-label]').getAttribute('aria-label')`))
	require.NoError(t, err)
	require.Equal(t, "Live updates", region)

	// Bob types the outcome, then sends a note: he is asked first, as the outcome would be lost.
	bob.do(
		chromedp.SendKeys(chromedp.CSS(`#complete-outcome`), "Late checkout until 14:00 confirmed; guest called."),
		chromedp.Evaluate[chromedp.Void](`window.confirm = function (q) { window.asked = q; return false; }`),
		chromedp.SendKeys(chromedp.CSS(`#note-text`), "Housekeeping told"),
		chromedp.Click(chromedp.CSS(`#form-note button[type=submit]`)),
	)
	askedFirst, err := chromedp.Run(bob.ctx, chromedp.Evaluate[string](`window.asked || ''`))
	require.NoError(t, err)
	require.Equal(t, "What you typed in the \u201cComplete\u201d form is lost when this form is sent. Send this one anyway?", askedFirst)
	outcome, err := chromedp.Run(bob.ctx, chromedp.Value(chromedp.CSS(`#complete-outcome`)))
	require.NoError(t, err)
	require.Equal(t, "Late checkout until 14:00 confirmed; guest called.", outcome, "declined: nothing sent, nothing lost")
	bob.do(
		chromedp.Evaluate[chromedp.Void](`document.getElementById('note-text').value = ''`),
		chromedp.Click(chromedp.CSS(`#form-complete button[type=submit]`)),
	)
	bob.waitText("#action-status", "completed")
	require.Contains(t, bob.text(`.timeline`), "handover accepted")
	require.Contains(t, bob.text(`.timeline`), "completed")
	// Printed, the action page is the packet without the controls: no menu, no commands; the
	// handovers' notes print even when folded on screen.
	_, err = chromedp.Call(bob.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	require.NoError(t, err)
	printed, err := chromedp.Run(bob.ctx, chromedp.Evaluate[map[string]bool](`(function () {
		var past = document.querySelector('details.handover-past');
		past.removeAttribute('open');
		var shown = function (el) { return !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0; };
		return {
			menu: shown(document.querySelector('header.top')),
			commands: shown(document.querySelector('section.commands')),
			timeline: shown(document.querySelector('section.timeline')),
			notes: shown(past.querySelector('.notes')),
		};
	})()`))
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"menu": false, "commands": false, "timeline": true, "notes": true}, printed)
	_, err = chromedp.Call(bob.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
	require.NoError(t, err)
	onScreen, err := chromedp.Run(bob.ctx, chromedp.Evaluate[bool](`document.querySelector('details.handover-past .notes').checkVisibility()`))
	require.NoError(t, err)
	require.False(t, onScreen, "folded on screen")
	alice.waitText("#live-status", "This page has changed. Resume live updates to see it.")
	require.Equal(t, "assigned", alice.text("#action-status"), "paused: not redrawn")
	alice.do(chromedp.Click(chromedp.CSS(`#live-pause`)))
	alice.waitText("#action-status", "completed")

	// A keystroke held live updates for good. Now a change is held only while the note holds
	// text; emptied and left, the page draws it.
	alice.do(chromedp.SendKeys(chromedp.CSS(`#note-text`), "x"))
	actionID := actionURL[strings.LastIndex(actionURL, "/")+1:]
	require.Equal(t, http.StatusCreated, as(t, st, "bob").call(http.MethodPost, "/api/v1/actions/"+actionID+"/notes",
		map[string]any{"text": "The guest thanked us"}, nil))
	alice.waitText("#live-status", "This page changed while you were typing: it is redrawn once you send or empty the form.")
	require.NotContains(t, alice.text(".timeline"), "The guest thanked us", "held while the note holds text")
	// Emptied but still in the field: the status says that leaving it draws the change, which
	// leaving it then does.
	alice.do(chromedp.Evaluate[chromedp.Void](`(function () {
		var t = document.getElementById('note-text');
		t.value = '';
		t.dispatchEvent(new Event('input', { bubbles: true }));
	})()`))
	alice.waitText("#live-status", "This page has changed: it is redrawn when you leave this field.")
	require.NotContains(t, alice.text(".timeline"), "The guest thanked us", "held while in the field")
	alice.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('note-text').blur()`))
	alice.waitContains(".timeline", "The guest thanked us")

	// A supervisor reassigns from the board.
	r := as(t, st, "alice")
	var created struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusCreated, r.call(http.MethodPost, "/api/v1/actions", map[string]any{
		"title": "Refund of a double charge", "customer": map[string]any{"ref": "BK-3310", "name": "Li Wei"},
		"category": "billing", "priority": "high", "owner_id": "alice", "due_in": "3h",
	}, &created))
	carol := newBrowser(t, alloc, st.URL, dir)
	carol.signIn("carol")
	card := fmt.Sprintf(`.card[data-action="%s"]`, created.ID)
	carol.do(
		chromedp.Click(chromedp.CSS(`nav a[href="/board"]`)),
		chromedp.WaitVisible(chromedp.CSS(card)),
	)
	carol.screenshot("board")
	carol.do(
		chromedp.WaitVisible(chromedp.CSS(`#live-pause`)),
		chromedp.Click(chromedp.CSS(`#live-pause`)), // no redraw under the clicks (see the cancel below)
		chromedp.Click(chromedp.CSS(card+` summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#re-to-`+created.ID)),
		chromedp.SetValue(chromedp.CSS(`#re-to-`+created.ID), "erin"),
		chromedp.SendKeys(chromedp.CSS(`#re-reason-`+created.ID), "Erin handles billing today"),
		chromedp.Click(chromedp.CSS(card+` form[action$="/reassign"] button`)),
	)
	// The form's answer brings the board back; the workflow itself says who owns the action.
	var got struct {
		OwnerID string `json:"owner_id"`
		Status  string `json:"status"`
	}
	require.Eventually(t, func() bool {
		require.Equal(t, http.StatusOK, r.call(http.MethodGet, "/api/v1/actions/"+created.ID+"?consistent=true", nil, &got))
		return got.OwnerID == "erin"
	}, 15*time.Second, 100*time.Millisecond, "the board's reassign reached the workflow")
	require.Equal(t, "assigned", got.Status)
	carol.waitText("h1", "Team board: Front desk")
	// The confirmation, which has the focus, links back to the card: the keyboard goes on there.
	carol.waitText("#done a.to-card", "Back to Refund of a double charge")
	carol.do(chromedp.Click(chromedp.CSS(`#done a.to-card`)))
	onCard, err := chromedp.Run(carol.ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector('#card-`+created.ID+` a.card-title')`))
	require.NoError(t, err)
	require.True(t, onCard, "the card's title has the focus")

	// Cancelling from the board asks first; declined, nothing is sent. (Live updates paused: the
	// reassignment's change may reach this fresh board late and redraw it under the clicks.)
	carol.do(
		chromedp.Navigate(st.URL+"/board"),
		chromedp.WaitVisible(chromedp.CSS(card)),
		chromedp.WaitVisible(chromedp.CSS(`#live-pause`)),
		chromedp.Click(chromedp.CSS(`#live-pause`)),
		chromedp.Evaluate[chromedp.Void](`window.confirm = function (q) { window.asked = q; return false; }`),
		chromedp.Click(chromedp.CSS(card+` summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#ca-reason-`+created.ID)),
		chromedp.SendKeys(chromedp.CSS(`#ca-reason-`+created.ID), "duplicate"),
		chromedp.Click(chromedp.CSS(card+` form[action$="/cancel"] button`)),
	)
	asked, err := chromedp.Run(carol.ctx, chromedp.Evaluate[string](`window.asked || ''`))
	require.NoError(t, err)
	require.Contains(t, asked, "cannot be reopened")
	require.Equal(t, http.StatusOK, r.call(http.MethodGet, "/api/v1/actions/"+created.ID+"?consistent=true", nil, &got))
	require.Equal(t, "assigned", got.Status, "not cancelled")

	// A refused form on the board is shown again where it was posted, with what was typed; a live
	// change of the team's actions then leaves it alone and says so (a redraw would have fetched
	// the address the form was posted to).
	// (A fresh board first: the one left open may still be redrawn by the reassignment's change
	// while it is clicked.)
	carol.do(
		chromedp.Navigate(st.URL+"/board"),
		chromedp.WaitVisible(chromedp.CSS(card)),
		chromedp.Click(chromedp.CSS(card+` summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#ex-due-`+created.ID)),
		chromedp.SendKeys(chromedp.CSS(`#ex-due-`+created.ID), "tomorrow"),
		chromedp.SendKeys(chromedp.CSS(`#ex-reason-`+created.ID), "guest asked"),
		chromedp.Click(chromedp.CSS(card+` form[action$="/extend"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.problem`)),
	)
	require.Contains(t, carol.text(".problem"), "Due in: must be a duration")
	// As on the action page, the field refused is marked and the refusal, which has the focus,
	// links to it.
	refusedField, err := chromedp.Run(carol.ctx, chromedp.Evaluate[string](`(function () {
		var f = document.querySelector('[aria-invalid="true"]');
		return f ? f.id + ': ' + document.getElementById(f.getAttribute('aria-describedby').split(' ').pop()).textContent : 'none';
	})()`))
	require.NoError(t, err)
	require.Equal(t, "ex-due-"+created.ID+": must be a duration in hours, minutes or seconds (days are not a unit: write 24h or 48h), such as 90m or 4h", refusedField)
	focusedProblem, err = chromedp.Run(carol.ctx, chromedp.Evaluate[bool](`document.activeElement.classList.contains('problem')`))
	require.NoError(t, err)
	require.True(t, focusedProblem, "the refusal on the card has the focus")
	// The link is added by the page's script once the refusal is drawn: waited for, not assumed.
	carol.waitContains(".problem a.to-field", "Go to Extend")
	linkShows, err := chromedp.Run(carol.ctx, chromedp.Evaluate[string](`(function () {
		var a = document.querySelector('.problem a.to-field').cloneNode(true);
		a.querySelectorAll('.visually-hidden').forEach(function (s) { s.remove(); });
		return a.textContent;
	})()`))
	require.NoError(t, err)
	require.Equal(t, "Go to Extend: due in", linkShows, "the link shows the label's words")
	linkReads, err := chromedp.Run(carol.ctx, chromedp.Evaluate[string](`document.querySelector('.problem a.to-field').textContent`))
	require.NoError(t, err)
	require.Equal(t, "Go to Extend Refund of a double charge: due in", linkReads, "and is read with the card it is for")
	require.Equal(t, http.StatusCreated, r.call(http.MethodPost, "/api/v1/actions/"+created.ID+"/notes", map[string]any{"text": "guest called again"}, nil))
	carol.waitText("#live-status", "This page has changed since. You will see it once you send the form again or leave it.")
	require.Equal(t, "Team board: Front desk", carol.text("h1"), "still the board")
	typed, err := chromedp.Run(carol.ctx, chromedp.Value(chromedp.CSS(`#ex-due-`+created.ID)))
	require.NoError(t, err)
	require.Equal(t, "tomorrow", typed, "what carol typed is still there")
	// Its history entry is the board it was sent from, not the form's address: a reload or Back
	// asks for the board, not to send the form again.
	require.Equal(t, st.URL+"/board", carol.location())
	// Sent again now, the form is for the action as the board drew it, before the note: refused,
	// saying what changed, and the refusal links to the form's field (none is marked).
	carol.do(
		chromedp.Clear(chromedp.CSS(`#ex-due-`+created.ID)),
		chromedp.SendKeys(chromedp.CSS(`#ex-due-`+created.ID), "48h"),
		chromedp.Click(chromedp.CSS(card+` form[action$="/extend"] button`)),
	)
	carol.waitContains(".problem", "The action changed while this page was open: note added by")
	carol.waitContains(".problem a.to-field", "Go to Extend")
	linkReads, err = chromedp.Run(carol.ctx, chromedp.Evaluate[string](`document.querySelector('.problem a.to-field').textContent`))
	require.NoError(t, err)
	require.Equal(t, "Go to Extend Refund of a double charge: due in", linkReads)

	// A colleague who ends their shift shows as off shift on an open board at once, with nothing
	// typed there: the live stream tells of staff as of actions.
	roster := newBrowser(t, alloc, st.URL, dir)
	roster.signIn("carol")
	roster.do(chromedp.Navigate(st.URL+"/board"), chromedp.WaitVisible(chromedp.CSS(`#roster-bob`)))
	require.Contains(t, roster.text(`#roster-bob`), "on shift")
	bobAPI := as(t, st, "bob")
	require.Equal(t, http.StatusOK, bobAPI.call(http.MethodPost, "/api/v1/shifts/end", nil, nil))
	roster.waitContains(`#roster-bob`, "off shift")
	roster.waitContains("#live-status", "someone's shift, team or role changed")
	require.Equal(t, http.StatusOK, bobAPI.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	roster.waitContains(`#roster-bob`, "Take off shift")

	// A due time typed on the New action form is the desk's own local time: a desk in Tokyo types
	// 15:00 and the action is due at 15:00 in Tokyo (06:00 UTC).
	tokyo := newBrowser(t, alloc, st.URL, dir)
	_, err = chromedp.Call(tokyo.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"})
	require.NoError(t, err)
	tokyo.signIn("erin")
	jst := time.FixedZone("JST", 9*3600)
	dueAt := time.Now().In(jst).AddDate(0, 0, 2)
	dueAt = time.Date(dueAt.Year(), dueAt.Month(), dueAt.Day(), 15, 0, 0, 0, jst)
	tokyo.do(
		chromedp.Navigate(st.URL+"/actions/new"),
		chromedp.WaitVisible(chromedp.CSS(`#due_at_local`)),
	)
	require.Contains(t, tokyo.text(`#due_at_local-help`), "Your local time (Asia/Tokyo)")
	// A time in the past is refused, and the error is tied to the "Or due at" field the person
	// typed it in (not to the hidden due_at the page sends it in): marked invalid, described by the
	// error, and the refusal links to it.
	tokyo.do(
		chromedp.SendKeys(chromedp.CSS(`#title`), "Airport transfer"),
		chromedp.SendKeys(chromedp.CSS(`#customer_ref`), "BK-7001"),
		chromedp.SetValue(chromedp.CSS(`#due_at_local`), "2020-01-02T15:00"),
		chromedp.Click(chromedp.CSS(`form[action="/actions"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.problem`)),
		// The page's script ties the error to the field once it has run: wait for it, not only
		// for the page (a run that read the field first saw it untouched).
		chromedp.WaitReady(chromedp.CSS(`#due_at_local[aria-invalid="true"]`)),
	)
	dueErr, err := chromedp.Run(tokyo.ctx, chromedp.Evaluate[string](`(function () {
		var f = document.getElementById('due_at_local');
		if (f.getAttribute('aria-invalid') !== 'true') { return 'not invalid'; }
		return f.getAttribute('aria-describedby').split(' ').map(id => document.getElementById(id).textContent).join(' | ');
	})()`))
	require.NoError(t, err)
	require.Contains(t, dueErr, "must be in the future", "the Or due at field is described by its error")
	require.Equal(t, "Go to Or due at", tokyo.text(".problem a.to-field"))
	tokyo.do(
		chromedp.SetValue(chromedp.CSS(`#due_at_local`), dueAt.Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS(`form[action="/actions"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#action-status`)),
	)
	var timed struct {
		DueAt time.Time `json:"due_at"`
	}
	require.Equal(t, http.StatusOK, r.call(http.MethodGet, "/api/v1/actions/"+path.Base(tokyo.location()), nil, &timed))
	require.True(t, timed.DueAt.Equal(dueAt), "due %s, typed %s in Tokyo", timed.DueAt, dueAt)
	// The same action sent again from the form (Back after creating it, and Create once more) is
	// the action made, not a second one.
	firstID := path.Base(tokyo.location())
	tokyo.do(
		chromedp.Navigate(st.URL+"/actions/new"),
		chromedp.WaitVisible(chromedp.CSS(`#due_at_local`)),
		chromedp.SendKeys(chromedp.CSS(`#title`), "Airport transfer"),
		chromedp.SendKeys(chromedp.CSS(`#customer_ref`), "BK-7001"),
		chromedp.SetValue(chromedp.CSS(`#due_at_local`), dueAt.Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS(`form[action="/actions"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#action-status`)),
	)
	require.Equal(t, firstID, path.Base(tokyo.location()), "the same action, not a second")
	var sameRef struct {
		Items []struct{ ID string } `json:"items"`
	}
	require.Equal(t, http.StatusOK, r.call(http.MethodGet, "/api/v1/actions?customer_ref=BK-7001", nil, &sameRef))
	require.Len(t, sameRef.Items, 1)

	// Erin hands it to bob by mistake and takes it back from the action page.
	erinAPI := as(t, st, "erin")
	transfer := path.Base(tokyo.location())
	require.Equal(t, http.StatusOK, erinAPI.call(http.MethodPost, "/api/v1/actions/"+transfer+"/handover", handoverBody, nil))
	tokyo.do(
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#live-pause`)),
		chromedp.Click(chromedp.CSS(`#live-pause`)), // the handover's change may redraw it under the typing
		chromedp.WaitVisible(chromedp.CSS(`#withdraw-reason`)),
		chromedp.SendKeys(chromedp.CSS(`#withdraw-reason`), "Meant for alice"),
		chromedp.Click(chromedp.CSS(`#form-withdraw button[type=submit]`)),
	)
	tokyo.waitText("#action-status", "assigned")
	require.Contains(t, tokyo.text("#done"), "Handover withdrawn: you keep")
	require.Contains(t, tokyo.text(".timeline"), "Meant for alice")
	tokyo.screenshot("withdrawn")

	// What people said reaches the manager's review: bob's comment on the handover he took, and
	// his reason for declining another (long words too must fit a phone, below).
	bobAPI = as(t, st, "bob")
	require.Equal(t, http.StatusCreated, bobAPI.call(http.MethodPost, "/api/v1/actions/"+path.Base(actionURL)+"/handovers/h1/feedback", map[string]any{
		"rating": 3, "comment": "The notes did not say which housekeeping shift agreed to the late checkout, so I asked twice.",
	}, nil))
	var refused action
	require.Equal(t, http.StatusCreated, r.call(http.MethodPost, "/api/v1/actions", newAction("alice"), &refused))
	require.Equal(t, http.StatusOK, r.call(http.MethodPost, "/api/v1/actions/"+refused.ID+"/handover", handoverBody, nil))
	require.Equal(t, http.StatusOK, bobAPI.call(http.MethodPost, "/api/v1/actions/"+refused.ID+"/decline", map[string]any{"reason": "I am off in ten minutes"}, nil))
	require.Eventually(t, func() bool { // the read model follows within about a second
		var report struct {
			Comments []any `json:"feedback_comments"`
			Reasons  []any `json:"decline_reasons"`
		}
		as(t, st, "dave").call(http.MethodGet, "/api/v1/reports/handovers", nil, &report)
		return len(report.Comments) == 1 && len(report.Reasons) == 1
	}, 10*time.Second, 50*time.Millisecond)

	// The manager's view draws the review as SVG charts; the phone-width inbox still reads well.
	dave := newBrowser(t, alloc, st.URL, dir)
	dave.signIn("dave")
	dave.do(chromedp.Click(chromedp.CSS(`nav a[href="/manager"]`)), chromedp.WaitVisible(chromedp.CSS(`.charts svg`)))
	require.Contains(t, dave.text(`table.grid`), "Front desk")
	require.Contains(t, dave.text(`#feedback-comments`), "which housekeeping shift")
	require.Contains(t, dave.text(`#decline-reasons`), "I am off in ten minutes")
	dave.screenshot("manager")
	// The administrator's people page: staff with what each may do, and the teams.
	admin := newBrowser(t, alloc, st.URL, dir)
	admin.signIn("root")
	admin.do(chromedp.Click(chromedp.CSS(`nav a[href="/admin"]`)), chromedp.WaitVisible(chromedp.CSS(`#staff-alice`)))
	require.Contains(t, admin.text(`#team-frontdesk`), "Front desk")
	admin.do(chromedp.Click(chromedp.CSS(`#staff-bob details.cmd summary`)), chromedp.WaitVisible(chromedp.CSS(`#ed-authority-bob`)))
	admin.screenshot("people")
	// On a wide screen each heading stands over its column (the rows are not laid out apart from it).
	columnsOff := func(b *browser, table string) []string {
		t.Helper()
		off, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(function () {
			var t = document.querySelector(%q), heads = t.querySelectorAll('thead th'), out = [], rows = 0;
			for (var row of t.querySelectorAll('tbody tr')) {
				if (row.children.length !== heads.length) continue;
				rows++;
				heads.forEach(function (h, i) {
					var a = h.getBoundingClientRect(), c = row.children[i].getBoundingClientRect();
					if (Math.abs(a.left - c.left) > 1 || Math.abs(a.width - c.width) > 1) out.push(h.textContent + ': heading at ' + a.left + ', cell at ' + c.left);
				});
			}
			return rows ? out : ['no row of ' + heads.length + ' cells to compare'];
		})()`, table)))
		require.NoError(t, err)
		return off
	}
	require.Empty(t, columnsOff(admin, `table.people`), "the people table's headings stand over their columns")
	admin.do(chromedp.Click(chromedp.CSS(`nav a[href="/admin/policies"]`)), chromedp.WaitVisible(chromedp.CSS(`#policy-defaults`)))
	require.Contains(t, admin.text(`#policy-defaults`), "30m")
	admin.screenshot("policies")
	// The audit trail in words: the demo's people are not in it (made with the stack), Bob's own
	// shift ended and started again above is, and so is a change made here.
	admin.do(chromedp.Click(chromedp.CSS(`nav a[href="/admin/audit"]`)), chromedp.WaitVisible(chromedp.CSS(`#audit`)))
	trail := admin.text(`#audit`)
	require.NotContains(t, trail, "added ", "the demo's people")
	require.Contains(t, trail, "Bob Brown\tchanged Bob Brown (bob): on shift yes → no")
	admin.do(chromedp.Click(chromedp.CSS(`nav a[href="/admin"]`)), chromedp.WaitVisible(chromedp.CSS(`#staff-bob`)),
		chromedp.Click(chromedp.CSS(`#staff-bob details.cmd:nth-of-type(2) summary`)), chromedp.WaitVisible(chromedp.CSS(`#tk-label-bob`)),
		chromedp.SendKeys(chromedp.CSS(`#tk-label-bob`), "front desk PC"),
		chromedp.Click(chromedp.CSS(`#form-token-bob button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#issued-token`)))
	// The token shown once takes the focus, and is a field to reach and copy by keyboard, with a
	// Copy button besides.
	type issuedView struct {
		Focused, Copy bool
		Token         string
	}
	issued, err := chromedp.Run(admin.ctx, chromedp.Evaluate[issuedView](`(function () {
		var f = document.getElementById('token-value'), b = document.querySelector('button[data-copy=token-value]');
		return {Focused: document.activeElement.id === 'issued-token', Copy: !!b && !b.hidden && f.readOnly, Token: f.value};
	})()`))
	require.NoError(t, err)
	require.Equal(t, issuedView{Focused: true, Copy: true, Token: issued.Token}, issued)
	require.Greater(t, len(issued.Token), 20)
	admin.do(chromedp.Navigate(st.URL+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS(`#audit`)))
	require.Contains(t, admin.text(`#audit`), "front desk PC")
	require.Empty(t, columnsOff(admin, `#audit`), "the changes table's headings stand over their columns")
	// Finding the guest who calls back: the front desk types the booking reference.
	finder := newBrowser(t, alloc, st.URL, dir)
	finder.signIn("erin")
	finder.do(chromedp.Click(chromedp.CSS(`nav a[href="/find"]`)), chromedp.WaitVisible(chromedp.CSS(`#find-q`)),
		chromedp.SendKeys(chromedp.CSS(`#find-q`), "double charge"), chromedp.Click(chromedp.CSS(`#find button[type=submit]`)))
	require.Contains(t, finder.text(`section[aria-labelledby=h-found]`), "Refund of a double charge")
	finder.screenshot("find")
	// On a wide screen the table fits, and is no stop of its own on the way through the page.
	focusable, err := chromedp.Run(admin.ctx, chromedp.Evaluate[int](`document.querySelectorAll('table[tabindex]').length`))
	require.NoError(t, err)
	require.Zero(t, focusable, "a table that fits takes no focus")
	// A title pasted as one long word (a booking link) wraps rather than widening the page.
	var linked action
	longTitle := "Refund https://www.booking.example.com/reservations/confirmation/ABC123456789"
	require.Equal(t, http.StatusCreated, as(t, st, "erin").call(http.MethodPost, "/api/v1/actions", merge(newAction("erin"), "title", longTitle), &linked))
	erin := newBrowser(t, alloc, st.URL, dir)
	erin.do(chromedp.EmulateViewport(375, 740))
	erin.signIn("erin")
	require.Contains(t, erin.text(`section[aria-labelledby=h-owned]`), "Refund of a double charge")
	erin.screenshot("inbox-phone")
	width, err := chromedp.Run(erin.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	require.LessOrEqual(t, width, 375.0, "nothing overflows a phone-width screen")
	for _, path := range []string{"/actions/" + linked.ID, "/find?q=booking.example"} {
		erin.do(chromedp.Navigate(st.URL+path), chromedp.WaitVisible(chromedp.CSS(`main`)))
		require.Contains(t, erin.text(`main`), longTitle)
		width, err := chromedp.Run(erin.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
		require.NoError(t, err)
		require.LessOrEqual(t, width, 375.0, "%s: a long title overflows a phone-width screen", path)
	}
	erin.do(chromedp.Navigate(st.URL+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`section[aria-labelledby=h-owned]`)))
	// What a thumb taps is a thumb's height: the header's links and buttons, the quiet buttons,
	// the panels' summaries.
	small, err := chromedp.Run(erin.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.top nav a, .top button, button.quiet, details > summary')]
		.filter(e => e.getClientRects().length && e.getBoundingClientRect().height < 44).map(e => e.textContent.trim() + ' ' + Math.round(e.getBoundingClientRect().height))`))
	require.NoError(t, err)
	require.Empty(t, small, "targets under 44 px high on a phone")
	// Nor do the pages of wide tables, or of charts, even 320 px wide (WCAG 1.4.10 Reflow): their
	// tables scroll inside themselves.
	for _, who := range []struct{ id, path string }{{"root", "/admin"}, {"root", "/admin/policies"}, {"root", "/admin/audit"}, {"dave", "/manager"}} {
		b := newBrowser(t, alloc, st.URL, dir)
		b.do(chromedp.EmulateViewport(320, 740))
		b.signIn(who.id)
		b.do(chromedp.Navigate(st.URL+who.path), chromedp.WaitVisible(chromedp.CSS(`table.grid`)))
		width, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
		require.NoError(t, err)
		require.LessOrEqual(t, width, 320.0, "%s overflows a 320-px-wide screen", who.path)
		// A table that scrolls sideways takes the keyboard focus, so that the arrow keys scroll it
		// (a table of policies has no link to Tab to), and says which table it is.
		type wideTables struct{ Scrolling, Unreachable []string }
		tables, err := chromedp.Run(b.ctx, chromedp.Evaluate[wideTables](`(function () {
			var wide = [...document.querySelectorAll('table.grid')].filter(t => t.scrollWidth > t.clientWidth + 1);
			var named = t => t.caption || t.getAttribute('aria-label') || t.getAttribute('aria-labelledby');
			return {Scrolling: wide.map(t => t.className), Unreachable: wide.filter(t => !(t.tabIndex === 0 && named(t))).map(t => t.className)};
		})()`))
		require.NoError(t, err)
		require.Empty(t, tables.Unreachable, "%s: a table that scrolls sideways cannot be reached by keyboard", who.path)
		// Its caption wraps within the screen, not cut off with the columns scrolled away.
		cut, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.grid caption')].filter(c => c.getBoundingClientRect().right > 320.5).map(c => c.textContent)`))
		require.NoError(t, err)
		require.Empty(t, cut, "%s: a table's caption runs off a 320-px-wide screen", who.path)
		if who.path == "/admin/policies" {
			require.NotEmpty(t, tables.Scrolling, "the policies table is wider than the screen")
		}
		if who.path == "/admin" {
			// The people to manage are a card each: every one's buttons in view, not scrolled away.
			right, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`document.querySelector('#staff-bob details.cmd summary').getBoundingClientRect().right`))
			require.NoError(t, err)
			require.LessOrEqual(t, right, 320.0, "bob's Change button is on the screen")
		}
	}
	// On a tablet too: the review's splits, fifteen columns wide, scroll inside themselves.
	tablet := newBrowser(t, alloc, st.URL, dir)
	tablet.do(chromedp.EmulateViewport(768, 1024))
	tablet.signIn("dave")
	tablet.do(chromedp.Navigate(st.URL+"/manager"), chromedp.WaitVisible(chromedp.CSS(`#by-situation`)))
	width, err = chromedp.Run(tablet.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	require.LessOrEqual(t, width, 768.0, "the review overflows a 768-px-wide screen")
	reachable, err := chromedp.Run(tablet.ctx, chromedp.Evaluate[bool](`(function () { var t = document.querySelector('#by-situation'); return t.scrollWidth <= t.clientWidth + 1 || t.tabIndex === 0; })()`))
	require.NoError(t, err)
	require.True(t, reachable, "a split that scrolls takes the keyboard focus")

	// Times show in the desk's own time zone (the browser's), the UTC time as their tooltip.
	ny := newBrowser(t, alloc, st.URL, dir)
	_, err = chromedp.Call(ny.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
	require.NoError(t, err)
	ny.signIn("alice")
	ny.do(chromedp.Navigate(actionURL), chromedp.WaitVisible(chromedp.CSS(`dd time[data-local]`)))
	shown, err := chromedp.Run(ny.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('dd time')].map(e => e.textContent + " | " + e.title)`))
	require.NoError(t, err)
	require.NotEmpty(t, shown)
	require.Regexp(t, `(EST|GMT-5) \| [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2} UTC$`, shown[0], "the due time in New York, UTC in its tooltip")
	timeline, err := chromedp.Run(ny.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.ev-data time')].map(e => e.textContent)`))
	require.NoError(t, err)
	require.NotEmpty(t, timeline, "the timeline's times (a due time, an expiry) are times too")
	for _, at := range timeline {
		require.Regexp(t, `(EST|GMT-5)$`, at, "and in New York as well")
	}

	// The action links to its workflow in the Temporal Web UI, which dev serves.
	require.NotEmpty(t, st.TemporalUIURL)
	resp, err := http.Get(st.TemporalUIURL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	// For managers, who may decode its payloads; an agent or a supervisor would see ciphertext, and
	// gets no link.
	dave.do(chromedp.Navigate(actionURL), chromedp.WaitVisible(chromedp.CSS(`a.workflow-link`)))
	href, err := chromedp.Run(dave.ctx, chromedp.Evaluate[string](`document.querySelector('a.workflow-link').href`))
	require.NoError(t, err)
	require.Equal(t, st.TemporalUIURL+"/namespaces/default/workflows/action%2F"+strings.TrimPrefix(actionURL, st.URL+"/actions/"), href)
	alice.do(chromedp.Navigate(actionURL), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	links, err := chromedp.Run(alice.ctx, chromedp.Evaluate[int](`document.querySelectorAll('a.workflow-link').length`))
	require.NoError(t, err)
	require.Zero(t, links, "no workflow link for an agent")
	carol.do(chromedp.Navigate(actionURL), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	links, err = chromedp.Run(carol.ctx, chromedp.Evaluate[int](`document.querySelectorAll('a.workflow-link').length`))
	require.NoError(t, err)
	require.Zero(t, links, "no workflow link for a supervisor")
	// The Temporal Web UI has no sign-in: it is read only, so nobody can terminate or reset an
	// action's workflow there behind handover's back.
	resp, err = http.Get(st.TemporalUIURL + "/api/v1/settings")
	require.NoError(t, err)
	var settings struct{ DisableWriteActions bool }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&settings))
	resp.Body.Close()
	require.True(t, settings.DisableWriteActions, "its server refuses every change but queries")

	// A burst of changes on the team is drawn on the open board together, and every one of them
	// shows, also those that come while a redraw is still under way (here held open for 3 s after
	// it has read the page: a redraw then cannot have them in what it read).
	carol.do(chromedp.Navigate(st.URL+"/board"), chromedp.WaitVisible(chromedp.CSS(`#live-pause`)))
	_, err = chromedp.Run(carol.ctx, chromedp.Evaluate[bool](`(function () {
		window.redraws = 0;
		document.addEventListener('htmx:afterSettle', function () { window.redraws++; });
		var ajax = window.htmx.ajax;
		window.htmx.ajax = function () {
			return ajax.apply(this, arguments).then(function (v) {
				return new Promise(function (done) { setTimeout(function () { done(v); }, 3000); });
			});
		};
		return true;
	})()`))
	require.NoError(t, err)
	const burst = 8
	create := func(i int) {
		require.Equal(t, http.StatusCreated, r.call(http.MethodPost, "/api/v1/actions", merge(merge(newAction("alice"), "title", fmt.Sprintf("Burst %d", i)), "due_in", "5m"), nil))
	}
	create(0)
	require.Eventually(t, func() bool {
		n, err := chromedp.Run(carol.ctx, chromedp.Evaluate[int](`window.redraws`))
		return err == nil && n > 0
	}, 10*time.Second, 20*time.Millisecond, "the first change is drawn")
	for i := 1; i < burst; i++ {
		create(i)
	}
	require.Eventually(t, func() bool {
		shown, err := chromedp.Run(carol.ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('#live .card a.card-title')].filter(e => /^Burst \d$/.test(e.textContent.trim())).length`))
		return err == nil && shown == burst
	}, 20*time.Second, 100*time.Millisecond, "every action of the burst is on the board")
	redraws, err := chromedp.Run(carol.ctx, chromedp.Evaluate[int](`window.redraws`))
	require.NoError(t, err)
	t.Logf("%d changes drawn in %d redraws", burst, redraws)
	// The status line, which a screen reader reads out, names the actions by their titles: one, or
	// how many changed together, and the first titles, never one of several as if it were alone.
	said := regexp.MustCompile(`^Updated: (“Burst \d” changed \(assigned\)|[2-8] actions changed( \(“Burst \d”(, “Burst \d”){0,2}( and [1-5] more)?\))?)\.$`)
	require.Eventually(t, func() bool { return said.MatchString(carol.text("#live-status")) }, 10*time.Second, 100*time.Millisecond,
		"the status names the action that changed: %q", carol.text("#live-status"))

	liveUpdatesKeepQuiet(t, st, alice, actionURL, created.ID)
	deskTimeShown(t, st, newBrowser(t, alloc, st.URL, dir), dave)
	boardConfirmationKeepsTheFocus(t, st, newBrowser(t, alloc, st.URL, dir))
	tellConfirmationKeepsTheFocus(t, st, newBrowser(t, alloc, st.URL, dir))
	shiftConfirmationStays(t, st, newBrowser(t, alloc, st.URL, dir))
	focusStaysOnWhatChanged(t, st, newBrowser(t, alloc, st.URL, dir))
	signInRefusalDescribesTheField(t, st, newBrowser(t, alloc, st.URL, dir))
	typedTextKeptWhenNotSent(t, st, newBrowser(t, alloc, st.URL, dir))
}

// settled waits until the page has loaded and a second more has passed: what the browser does
// of itself once a page is loaded (its scroll to the address's fragment) is done by then.
func (b *browser) settled() {
	b.t.Helper()
	require.Eventually(b.t, func() bool {
		done, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.readyState === 'complete'`))
		return err == nil && done
	}, 15*time.Second, 50*time.Millisecond, "the page loaded")
	time.Sleep(time.Second)
}

// landing is where a page left the focus and its address, and whether an element is in view.
type landing struct {
	Focus, Address string
	// InView: the element is in the window, below the confirmation when that is pinned over the
	// page; DoneInView: the confirmation is in the window.
	InView, DoneInView bool
}

func (b *browser) landing(id string) landing {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[struct {
		landing
		Top, Scrolled float64
	}](fmt.Sprintf(`(function () {
		var el = document.getElementById(%q), r = el ? el.getBoundingClientRect() : null, f = document.activeElement;
		var done = document.getElementById('done'), d = done ? done.getBoundingClientRect() : null;
		var above = d && d.top <= 0 ? d.bottom : 0;
		return {Focus: f ? (f.id || f.tagName) : '', Address: location.href, InView: !!r && r.bottom > above && r.top < window.innerHeight,
			DoneInView: !!d && d.top >= 0 && d.bottom <= window.innerHeight, Top: r ? r.top : 0, Scrolled: window.scrollY};
	})()`, id)))
	require.NoError(b.t, err)
	b.t.Logf("#%s at %.0f px, the page scrolled %.0f px", id, got.Top, got.Scrolled)
	return got.landing
}

// tellConfirmationKeepsTheFocus: after a record of telling a customer from the inbox, with other
// messages still to tell, the confirmation keeps the focus and stays in view, and the section of
// messages is scrolled into view below it (the address named it, and the browser's own scroll to
// it took the focus off the confirmation, far above).
func tellConfirmationKeepsTheFocus(t *testing.T, st *app.Stack, erin *browser) {
	t.Helper()
	_, err := chromedp.Call(erin.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: `window.EventSource = undefined;`})
	require.NoError(t, err)
	alice, erinAPI := as(t, st, "alice"), as(t, st, "erin")
	var first action
	for i := range 2 {
		var a action
		require.Equal(t, http.StatusCreated, alice.call(http.MethodPost, "/api/v1/actions", merge(newAction("alice"), "title", fmt.Sprintf("Iron for room %d", 601+i)), &a))
		require.Equal(t, http.StatusOK, alice.call(http.MethodPost, "/api/v1/actions/"+a.ID+"/handover", merge(handoverBody, "to_id", "erin"), nil))
		require.Equal(t, http.StatusOK, erinAPI.call(http.MethodPost, "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "I bring the iron up"}, nil))
		if i == 0 {
			first = a
		}
	}
	var task struct {
		Items []customerTask `json:"customers_to_tell"`
	}
	require.Eventually(t, func() bool {
		task.Items = tasksOf(t, erinAPI, first.ID)
		return len(task.Items) == 1
	}, 10*time.Second, 100*time.Millisecond, "the message is erin's to tell")
	id := fmt.Sprintf("%s-%d", first.ID, task.Items[0].MessageSeq)
	erin.signIn("erin")
	erin.do(
		chromedp.Navigate(st.URL+"/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`#told-method-`+id)),
		chromedp.SetValue(chromedp.CSS(`#told-method-`+id), "phone"),
		chromedp.Click(chromedp.CSS(`#told-`+id+` button[value=told]`)),
	)
	erin.waitContains("#done", "Recorded")
	erin.settled()
	require.Equal(t, landing{Focus: "done", Address: st.URL + "/inbox", InView: true, DoneInView: true}, erin.landing("h-tell"),
		"the confirmation has the focus and is in view, the messages still to tell are in view below it")
}

// boardConfirmationKeepsTheFocus: after a command on one of the board's cards, or a shift switched
// in its team table, the confirmation keeps the focus once the page has loaded, so that a screen
// reader reads it out, and the card or the person's row is scrolled into view. (This browser has
// no live updates: a change drawn ends a confirmation, which is not what is looked at here.)
func boardConfirmationKeepsTheFocus(t *testing.T, st *app.Stack, carol *browser) {
	t.Helper()
	_, err := chromedp.Call(carol.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: `window.EventSource = undefined;`})
	require.NoError(t, err)
	carol.signIn("carol")
	var a action
	require.Equal(t, http.StatusCreated, as(t, st, "alice").call(http.MethodPost, "/api/v1/actions", merge(newAction("alice"), "title", "Extra towels for 118"), &a))
	card := "#card-" + a.ID
	require.Eventually(t, func() bool { // the read model has it within about a second
		carol.do(chromedp.Navigate(st.URL+"/board"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		there, err := chromedp.Run(carol.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, card)))
		return err == nil && there
	}, 15*time.Second, 200*time.Millisecond, "the action is on the board")
	carol.do(
		chromedp.Click(chromedp.CSS(card+` summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#ex-due-`+a.ID)),
		chromedp.SendKeys(chromedp.CSS(`#ex-due-`+a.ID), "6h"),
		chromedp.SendKeys(chromedp.CSS(`#ex-reason-`+a.ID), "guest asked"),
		chromedp.Click(chromedp.CSS(card+` form[action$="/extend"] button`)),
	)
	carol.waitText("#done a.to-card", "Back to Extra towels for 118")
	carol.settled()
	require.Equal(t, landing{Focus: "done", Address: st.URL + "/board", InView: true, DoneInView: true}, carol.landing("card-"+a.ID),
		"the confirmation has the focus and is in view, the card is in view below it, and the address no longer names the card")

	// Erin taken off shift, then put on it again, from the team table.
	for _, words := range []string{"Erin Evans is off shift", "Erin Evans is on shift"} {
		carol.do(
			chromedp.WaitVisible(chromedp.CSS(`#shift-of-erin button`)),
			chromedp.Evaluate[chromedp.Void](`window.confirm = function () { return true; }`),
			chromedp.Click(chromedp.CSS(`#shift-of-erin button`)),
		)
		carol.waitContains("#done", words)
		carol.settled()
		require.Equal(t, landing{Focus: "done", Address: st.URL + "/board", InView: true, DoneInView: true}, carol.landing("roster-erin"), words)
	}
}

// shiftConfirmationStays: the page a shift handover started from the inbox leads to says it
// started ("Shift handover started: ..."), with the focus, and goes on saying it as the page
// follows the handover's progress.
func shiftConfirmationStays(t *testing.T, st *app.Stack, erin *browser) {
	t.Helper()
	var a action
	require.Equal(t, http.StatusCreated, as(t, st, "erin").call(http.MethodPost, "/api/v1/actions", merge(newAction("erin"), "title", "Spare key for 305"), &a))
	erin.signIn("erin")
	erin.waitContains(`section[aria-labelledby=h-owned]`, "Spare key for 305")
	erin.do(
		chromedp.Click(chromedp.CSS(`#my-shift summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#ms-notes`)),
		chromedp.SetValue(chromedp.CSS(`#ms-to`), "bob"),
		chromedp.SetValue(chromedp.CSS(`#ms-situation`), "routine"),
		chromedp.SendKeys(chromedp.CSS(`#ms-notes`), "End of the early shift"),
		chromedp.Click(chromedp.CSS(`#form-my-shift button[type=submit]`)),
	)
	erin.waitContains("#done", "Shift handover started")
	erin.do(chromedp.WaitVisible(chromedp.CSS(`[data-poll]`)))
	require.Equal(t, "done", erin.landing("done").Focus)
	// Bob accepts the spare key: the page, which asks for itself every 2 s, is redrawn.
	bob := as(t, st, "bob")
	var got action
	require.Eventually(t, func() bool {
		got.PendingHandover = nil
		bob.call(http.MethodGet, "/api/v1/actions/"+a.ID+"?consistent=true", nil, &got)
		return got.PendingHandover != nil && got.PendingHandover.ToID == "bob"
	}, 15*time.Second, 100*time.Millisecond, "handed to bob")
	require.Equal(t, http.StatusOK, bob.call(http.MethodPost, "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "I keep the spare key"}, nil))
	require.Eventually(t, func() bool {
		redrawn, err := chromedp.Run(erin.ctx, chromedp.Evaluate[bool](`document.body.hasAttribute('data-refreshed')`))
		return err == nil && redrawn
	}, 15*time.Second, 100*time.Millisecond, "the progress is redrawn")
	require.Equal(t, "done", erin.landing("done").Focus, "the confirmation stays, with the focus")
	require.Contains(t, erin.text("#done"), "Shift handover started")
}

// focusStaysOnWhatChanged: a live redraw leaves the focus on what held it also when its words
// changed with the redraw: the button of the team table that takes bob off shift, when bob ends
// his shift meanwhile, and it puts him on shift.
func focusStaysOnWhatChanged(t *testing.T, st *app.Stack, carol *browser) {
	t.Helper()
	carol.signIn("carol")
	button := `#shift-of-bob button`
	carol.do(chromedp.Navigate(st.URL+"/board"), chromedp.WaitVisible(chromedp.CSS(`#live-pause`)),
		chromedp.WaitVisible(chromedp.CSS(button)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#shift-of-bob button').focus()`))
	require.Contains(t, carol.text(button), "Take off shift")
	bob := as(t, st, "bob")
	require.Equal(t, http.StatusOK, bob.call(http.MethodPost, "/api/v1/shifts/end", nil, nil))
	carol.waitContains(button, "Put on shift")
	onButton, err := chromedp.Run(carol.ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector('#shift-of-bob button')`))
	require.NoError(t, err)
	require.True(t, onButton, "the focus stays on the button, whose words changed")
	require.Equal(t, http.StatusOK, bob.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
}

// signInRefusalDescribesTheField: a refused token's field is described by the refusal's words,
// not by the link to the field the page adds after them; and the sign-in page, never redrawn
// live, has no region for live updates.
func signInRefusalDescribesTheField(t *testing.T, st *app.Stack, b *browser) {
	t.Helper()
	b.do(chromedp.Navigate(st.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), "not-a-token"),
		chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)))
	b.waitText(".problem a.to-field", "Go to Access token")
	described, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById('token').getAttribute('aria-describedby').split(' ').map(function (id) { return document.getElementById(id).textContent; }).join(' | ')`))
	require.NoError(t, err)
	require.Equal(t, "That token is unknown or has been revoked.", described)
	regions, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('[aria-label="Live updates"]').length`))
	require.NoError(t, err)
	require.Zero(t, regions)
}

// deskTimeShown: a time typed on the New action form is the browser's own, and where the desk
// keeps another zone the form says so and shows it as the desk's clock will read it; a desk in the
// browser's own zone says nothing more.
func deskTimeShown(t *testing.T, st *app.Stack, tokyo, dave *browser) {
	t.Helper()
	allWeek := []map[string]any{}
	for _, d := range []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
		allWeek = append(allWeek, map[string]any{"day": d, "open": "00:00", "close": "24:00"})
	}
	require.Equal(t, http.StatusOK, as(t, st, "root").call(http.MethodPut, "/api/v1/teams/frontdesk/calendar",
		map[string]any{"time_zone": "Europe/London", "hours": allWeek}, nil))
	_, err := chromedp.Call(tokyo.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"})
	require.NoError(t, err)
	tokyo.signIn("erin")
	tokyo.do(chromedp.Navigate(st.URL+"/actions/new"), chromedp.WaitVisible(chromedp.CSS(`#due_at_local`)))
	tokyo.waitText("#due_at_local-desk", "The desk keeps Europe/London time: the time you type is yours (Asia/Tokyo).")
	// 15:00 in Tokyo on 7 January is 06:00 in London.
	tokyo.do(chromedp.SetValue(chromedp.CSS(`#due_at_local`), "2027-01-07T15:00"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('due_at_local').dispatchEvent(new Event('input', { bubbles: true }))`))
	tokyo.waitContains("#due_at_local-desk", "At the desk (Europe/London) that is")
	require.Regexp(t, `Thu,? 7 Jan,? 06:00\.$|Thu,? Jan 7,? 06:00\.$`, tokyo.text("#due_at_local-desk"))
	// A pause's end given as a time is the time typed where the browser is: 15:00 in Tokyo.
	var paused struct {
		ID       string     `json:"id"`
		ResumeAt *time.Time `json:"resume_at"`
	}
	require.Equal(t, http.StatusCreated, as(t, st, "erin").call(http.MethodPost, "/api/v1/actions",
		map[string]any{"title": "Airport taxi for the Satos", "category": "request", "owner_id": "erin", "due_in": "4h"}, &paused))
	tokyo.do(chromedp.Navigate(st.URL+"/actions/"+paused.ID), chromedp.WaitReady(chromedp.CSS(`#cmd-pause summary`)),
		chromedp.Click(chromedp.CSS(`#cmd-pause summary`)), chromedp.WaitVisible(chromedp.CSS(`#pause-resume-at`)))
	tokyo.waitText("#pause-resume-at-help", "Your local time (Asia/Tokyo). When given, it is used instead of Resume by itself in.")
	tokyo.do(chromedp.SendKeys(chromedp.CSS(`#pause-reason`), "the Satos confirm their flight"),
		chromedp.SetValue(chromedp.CSS(`#pause-resume-at`), "2027-01-07T15:00"),
		chromedp.Click(chromedp.CSS(`#form-pause button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#paused-badge`)))
	require.Equal(t, http.StatusOK, as(t, st, "erin").call(http.MethodGet, "/api/v1/actions/"+paused.ID+"?consistent=true", nil, &paused))
	require.NotNil(t, paused.ResumeAt)
	require.Equal(t, "2027-01-07T06:00:00Z", paused.ResumeAt.UTC().Format(time.RFC3339))
	// A time in another year says its year; one in this year does not.
	years, err := chromedp.Run(tokyo.ctx, chromedp.Evaluate[[]string](`(function () {
		var shown = ["2099-03-04T05:06:00Z", new Date().toISOString()].map(function (at) {
			var t = document.createElement("time");
			t.setAttribute("datetime", at);
			t.textContent = at;
			document.getElementById("main").appendChild(t);
			return t;
		});
		window.handoverLocalTimes();
		return shown.map(function (t) { return t.textContent; });
	})()`))
	require.NoError(t, err)
	require.Contains(t, years[0], "2099")
	require.NotRegexp(t, `20[0-9]{2}`, years[1], "this year's time has no year")
	// The manager in New York, on his team's board: the extend form of a card says it too.
	_, err = chromedp.Call(dave.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
	require.NoError(t, err)
	dave.do(chromedp.Navigate(st.URL+"/board"), chromedp.WaitReady(chromedp.CSS(`input[data-due-at]`)))
	dave.waitContains(".card .desk-note", "The desk keeps Europe/London time: the time you type is yours (America/New_York).")
	// His New action form chooses the team: the hint names the opening hours of the team chosen.
	root := as(t, st, "root")
	require.Equal(t, http.StatusCreated, root.call(http.MethodPost, "/api/v1/teams", map[string]any{"id": "night", "name": "Night desk"}, nil))
	require.Equal(t, http.StatusOK, root.call(http.MethodPut, "/api/v1/teams/night/calendar",
		map[string]any{"time_zone": "Europe/Paris", "hours": []map[string]any{{"day": "mon", "open": "22:00", "close": "24:00"}}}, nil))
	dave.do(chromedp.Navigate(st.URL+"/actions/new"), chromedp.WaitVisible(chromedp.CSS(`#team_id`)))
	dave.waitContains("#due-hours", ", Europe/London time")
	dave.do(chromedp.SetValue(chromedp.CSS(`#team_id`), "night"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('team_id').dispatchEvent(new Event('change', { bubbles: true }))`))
	dave.waitText("#due-hours", "Counted in the team's opening hours, mon 22:00-24:00, Europe/Paris time, unless the category's policy runs around the clock.")
	dave.waitText("#due_at_local-desk", "The desk keeps Europe/Paris time: the time you type is yours (America/New_York).")
	// In London itself, nothing to say.
	_, err = chromedp.Call(tokyo.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/London"})
	require.NoError(t, err)
	tokyo.do(chromedp.Navigate(st.URL+"/actions/new"), chromedp.WaitVisible(chromedp.CSS(`#due_at_local`)))
	hidden, err := chromedp.Run(tokyo.ctx, chromedp.Evaluate[bool](`document.getElementById('due_at_local-desk').hidden`))
	require.NoError(t, err)
	require.True(t, hidden, "a desk in the browser's own zone")
}

// liveUpdatesKeepQuiet: a live update leaves the keyboard focus on what held it, also on a
// handover's summary, whose time the page has rewritten into local words; a change that alters
// nothing a page shows neither redraws it nor is read out; and paused, a shift handover's page
// stops asking for itself.
func liveUpdatesKeepQuiet(t *testing.T, st *app.Stack, alice *browser, actionURL, othersAction string) {
	t.Helper()
	checked := func(b *browser) string {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.getAttribute('data-checked') || ''`))
		require.NoError(t, err)
		return v
	}
	waitChecked := func(b *browser, since string) {
		t.Helper()
		require.Eventually(t, func() bool { return checked(b) != since }, 15*time.Second, 50*time.Millisecond, "the page was asked for again")
	}
	bobAPI := as(t, st, "bob")
	alice.do(chromedp.Navigate(actionURL), chromedp.WaitVisible(chromedp.CSS(`details.handover-past summary time[data-local]`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('details.handover-past summary').focus()`))
	require.Equal(t, http.StatusCreated, bobAPI.call(http.MethodPost, "/api/v1/actions/"+path.Base(actionURL)+"/notes",
		map[string]any{"text": "Housekeeping confirmed the room is free"}, nil))
	alice.waitContains(".timeline", "Housekeeping confirmed the room is free")
	onSummary, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`document.activeElement === document.querySelector('details.handover-past summary')`))
	require.NoError(t, err)
	require.True(t, onSummary, "the focus stays on the handover's summary across the redraw")

	// Alice's inbox shows nothing of an action erin owns: a note on it is not drawn or read out.
	alice.do(chromedp.Navigate(st.URL+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`h1`)),
		chromedp.Evaluate[chromedp.Void](`window.shownLive = document.getElementById('live')`))
	before := checked(alice)
	require.Equal(t, http.StatusCreated, as(t, st, "erin").call(http.MethodPost, "/api/v1/actions/"+othersAction+"/notes",
		map[string]any{"text": "Called the bank"}, nil))
	waitChecked(alice, before)
	same, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`document.getElementById('live') === window.shownLive`))
	require.NoError(t, err)
	require.True(t, same, "the inbox was not redrawn")
	require.Empty(t, alice.text("#live-status"), "nothing read out")

	// A shift handover under way: its page asks for itself every 2 s and redraws only on change.
	var started struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusAccepted, as(t, st, "alice").call(http.MethodPost, "/api/v1/shift-handovers",
		map[string]any{"from_id": "alice", "to_id": "bob", "notes": "End of the late shift", "situation": "routine"}, &started))
	alice.do(chromedp.Navigate(st.URL+"/shift-handovers/"+started.ID), chromedp.WaitVisible(chromedp.CSS(`[data-poll]`)),
		chromedp.WaitVisible(chromedp.CSS(`#live-pause`)), chromedp.Click(chromedp.CSS(`#live-pause`)))
	time.Sleep(1500 * time.Millisecond) // a redraw asked for before the pause ends
	paused := checked(alice)
	time.Sleep(5 * time.Second) // two of its polls' times and more
	require.Equal(t, paused, checked(alice), "paused, the page is not asked for")
	alice.do(chromedp.Click(chromedp.CSS(`#live-pause`)))
	waitChecked(alice, paused)
}

// typedTextKeptWhenNotSent: what was typed in a form that changed nothing is not lost. A note sent
// once the session had ended is put back in its form after signing in again, for the same person
// alone; one sent with an expired key (the error page) is put back when the person goes back to
// the page; and one whose form has gone meanwhile (the action completed) is shown there to copy.
func typedTextKeptWhenNotSent(t *testing.T, st *app.Stack, alice *browser) {
	t.Helper()
	var a action
	require.Equal(t, http.StatusCreated, as(t, st, "alice").call(http.MethodPost, "/api/v1/actions", merge(newAction("alice"), "title", "Extra towels for room 118"), &a))
	page := st.URL + "/actions/" + a.ID
	endSession := func() {
		t.Helper()
		got, err := chromedp.Call(alice.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{st.URL}})
		require.NoError(t, err)
		for _, c := range got.Cookies {
			if c.Name == "handover_session" {
				require.NoError(t, st.Store.CloseSession(context.Background(), c.Value))
				return
			}
		}
		t.Fatal("no session cookie")
	}
	kept := func() string {
		v, err := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`sessionStorage.getItem('handover.kept') || ''`))
		require.NoError(t, err)
		return v
	}
	const note = "Housekeeping say the towels go up at 15:00; the guest agreed."

	alice.signIn("alice")
	alice.do(chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#note-text`)),
		chromedp.SendKeys(chromedp.CSS(`#note-text`), note))
	endSession()
	alice.do(chromedp.Click(chromedp.CSS(`#form-note button[type=submit]`)))
	alice.waitText("#kept-unsent", "What you typed is kept in this tab: once you have signed in, it is put back in the form.")
	alice.screenshot("kept-signin")
	alice.do(chromedp.Click(chromedp.CSS(`button[name=demo][value=alice]`)))
	alice.waitText("#kept-back", "What you typed in this form before, which was not sent, is put back. Check it, then send it again.")
	require.Equal(t, page, alice.location(), "back on the page the form was sent from")
	typed, err := chromedp.Run(alice.ctx, chromedp.Value(chromedp.CSS(`#note-text`)))
	require.NoError(t, err)
	require.Equal(t, note, typed)
	focus, err := chromedp.Run(alice.ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	require.NoError(t, err)
	require.Equal(t, "kept-back", focus, "the sentence is read out first")
	require.Empty(t, kept(), "put back once")
	alice.do(chromedp.Click(chromedp.CSS(`#form-note button[type=submit]`)))
	alice.waitContains("#done", "Note added")
	alice.waitContains("section.timeline", note)

	// Someone else signing in on the tab does not get it, and it is gone for good.
	alice.do(chromedp.SendKeys(chromedp.CSS(`#note-text`), "Not for Bob's eyes"))
	endSession()
	alice.do(chromedp.Click(chromedp.CSS(`#form-note button[type=submit]`)))
	alice.waitContains("#kept-unsent", "What you typed is kept")
	require.NotEmpty(t, kept())
	alice.do(chromedp.Click(chromedp.CSS(`button[name=demo][value=bob]`)), chromedp.WaitVisible(chromedp.CSS(`section.timeline`)))
	require.Equal(t, page, alice.location())
	alice.settled()
	shownToBob, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`document.getElementById('kept-back') !== null || document.body.textContent.indexOf("Not for Bob's eyes") >= 0`))
	require.NoError(t, err)
	require.False(t, shownToBob)
	require.Empty(t, kept())
	alice.do(chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.CSS(`#token`)))
	alice.signIn("alice")

	// An expired key: the error page links back to the page, where the form has it again.
	const outcome = "Towels brought up at 15:05; guest thanked us."
	alice.do(chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#complete-outcome`)),
		chromedp.SendKeys(chromedp.CSS(`#complete-outcome`), outcome),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#form-complete input[name=csrf]').value = 'expired'`),
		chromedp.Click(chromedp.CSS(`#form-complete button[type=submit]`)))
	alice.waitContains("#kept-unsent", "What you typed is kept in this tab: go back to the page you were on to find it in the form again.")
	alice.screenshot("kept-error")
	alice.do(chromedp.Click(chromedp.CSS(`#kept-unsent a`)))
	alice.waitContains("#kept-back", "is put back")
	typed, err = chromedp.Run(alice.ctx, chromedp.Value(chromedp.CSS(`#complete-outcome`)))
	require.NoError(t, err)
	require.Equal(t, outcome, typed)

	// Its form gone meanwhile: the page shows what was typed, to copy.
	alice.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('#form-complete input[name=csrf]').value = 'expired'`),
		chromedp.Click(chromedp.CSS(`#form-complete button[type=submit]`)))
	alice.waitContains("#kept-unsent", "What you typed is kept")
	require.Equal(t, http.StatusOK, as(t, st, "carol").call(http.MethodPost, "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "Done by the supervisor"}, nil))
	alice.do(chromedp.Click(chromedp.CSS(`#kept-unsent a`)))
	alice.waitContains("#kept-back", "is not on this page any more")
	shown, err := chromedp.Run(alice.ctx, chromedp.Value(chromedp.CSS(`#kept-back textarea`)))
	require.NoError(t, err)
	require.Equal(t, outcome, shown)
	alice.screenshot("kept-gone")

	// A form with a time in its "Or due at", which the page's script turns into a hidden field as
	// the form is sent, is found again and put back all the same.
	due := time.Now().Add(5 * time.Hour).Format("2006-01-02T15:04")
	alice.do(chromedp.Navigate(st.URL+"/actions/new"), chromedp.WaitVisible(chromedp.CSS(`#title`)),
		chromedp.SendKeys(chromedp.CSS(`#title`), "Wake-up call for room 330"),
		chromedp.SetValue(chromedp.CSS(`#due_at_local`), due),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#form-new input[name=csrf]').value = 'expired'`),
		chromedp.Click(chromedp.CSS(`#form-new button[type=submit]`)))
	alice.waitContains("#kept-unsent", "What you typed is kept")
	alice.do(chromedp.Click(chromedp.CSS(`#kept-unsent a`)))
	alice.waitContains("#kept-back", "is put back")
	title, err := chromedp.Run(alice.ctx, chromedp.Value(chromedp.CSS(`#title`)))
	require.NoError(t, err)
	require.Equal(t, "Wake-up call for room 330", title)
	at, err := chromedp.Run(alice.ctx, chromedp.Value(chromedp.CSS(`#due_at_local`)))
	require.NoError(t, err)
	require.Equal(t, due, at)

	// Signing out forgets what was kept, also when the session had ended already (the sign-out
	// then leads to a sign-in page saying a form was not sent).
	alice.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('#form-new input[name=csrf]').value = 'expired'`),
		chromedp.Click(chromedp.CSS(`#form-new button[type=submit]`)))
	alice.waitContains("#kept-unsent", "What you typed is kept")
	require.NotEmpty(t, kept())
	endSession()
	alice.do(chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.CSS(`#token`)))
	alice.settled()
	require.Empty(t, kept())
	hidden, err := chromedp.Run(alice.ctx, chromedp.Evaluate[bool](`(function () { var k = document.getElementById('kept-unsent'); return !k || k.hidden; })()`))
	require.NoError(t, err)
	require.True(t, hidden, "nothing said to be kept")
}
