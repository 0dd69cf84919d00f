package api

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressAbove is the size from which an answer is compressed: the pages and lists (a team's board
// is hundreds of kilobytes of HTML, a fourteenth of that compressed), not a command's answer of one or
// two kilobytes, where compressing costs more CPU than the bytes it saves take to send.
const compressAbove = 4 << 10

// compressed sends h's answers of compressAbove bytes or more in zstd or gzip to a client that
// accepts either. Event streams are sent as they are: each event is flushed on its own, and a
// compressor kept for every open stream would cost memory for a few bytes saved. Each compressed
// answer is padded by 1 to 32 bytes chosen by its content, and each page carries its CSRF token
// masked afresh (maskCSRF), so that its size gives away no secret it holds (BREACH).
func compressed(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(compressAbove),
		gzhttp.ExceptContentTypes([]string{"text/event-stream"}),
		gzhttp.RandomJitter(32, 0, false),
	)
	if err != nil {
		panic(err) // the options are fixed: an error is a build defect the tests catch
	}
	return wrap(h)
}
