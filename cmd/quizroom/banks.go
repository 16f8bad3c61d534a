package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/membanks"
	"github.com/quizroom/quizroom/transport/redisbanks"
	"github.com/quizroom/quizroom/transport/redisbus"
)

// Extensions --banks reads: bank JSON, and notes the importer reads.
var (
	bankExts  = []string{".json"}
	notesExts = []string{".md", ".txt", ".tsv"}
)

// loadBankDir reads every bank and notes file of dir into banks named after
// their files ("my-notes.md" is "my-notes"), with the embedded default. A
// file that cannot be read, parsed or played stops the server with the
// file, the line and the problem.
func loadBankDir(dir string, log zerolog.Logger) (map[string]*bank.Bank, error) {
	banks := map[string]*bank.Bank{"default": bank.Default()}
	if dir == "" {
		return banks, nil
	}
	fail := func(format string, args ...any) error {
		return usagef("--banks ($QUIZROOM_BANKS): "+format, args...)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fail("%v", err)
	}
	from := map[string]string{"default": "the embedded default bank"}
	for _, e := range entries {
		file := e.Name()
		path := filepath.Join(dir, file)
		ext := strings.ToLower(filepath.Ext(file))
		if e.IsDir() || strings.HasPrefix(file, ".") {
			continue
		}
		if !slices.Contains(bankExts, ext) && !slices.Contains(notesExts, ext) {
			log.Warn().Str("file", path).Msg("--banks: not a bank (.json) or notes (.md .txt .tsv) file; ignored")
			continue
		}
		name := bankName(strings.TrimSuffix(file, filepath.Ext(file)))
		if name == "" {
			return nil, fail("%s: the file name gives no bank name (use letters or digits)", path)
		}
		if other, taken := from[name]; taken {
			return nil, fail("%s: bank name %q is already %s; rename one of them", path, name, other)
		}
		b, err := loadBankFile(path, ext, name)
		if err != nil {
			return nil, fail("%v", err)
		}
		banks[name], from[name] = b, path
		log.Info().Str("bank", name).Str("file", path).Int("items", len(b.Items)).Msg("bank loaded")
	}
	return banks, nil
}

func loadBankFile(path, ext, name string) (*bank.Bank, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, bank.MaxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var b *bank.Bank
	if ext == ".json" {
		b, err = bank.Parse(data)
	} else {
		b, _, err = bank.ImportNotes(data, bank.ImportOptions{IDPrefix: prefixFromName(path)})
		if err == nil && b.Title == "Imported notes" {
			b.Title = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		}
	}
	var be *bank.Error
	if errors.As(err, &be) {
		return nil, fmt.Errorf("%s: %s", path, locate(be))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(httpapi.PlayableKinds(b)) == 0 {
		return nil, fmt.Errorf("%s: its %d item(s) make no playable question: %s", path, len(b.Items), bank.WhyUnplayable(b, nil))
	}
	return b, nil
}

// locate puts the first problem's line or path first ("line 12: ..."), then
// the summary, then the other problems.
func locate(e *bank.Error) string {
	if len(e.Problems) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Problems[0].String())
	b.WriteString(" (")
	b.WriteString(e.Message)
	b.WriteString(")")
	for _, p := range e.Problems[1:] {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// bankName turns a file name into a bank name: lowercase letters, digits
// and dashes.
func bankName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 64 {
		out = out[:64]
	}
	return out
}

// newBankStore keeps uploaded banks in memory, or in Redis when games are
// shared through it (its own client: the bus's pool is sized for rooms).
func newBankStore(cfg serveConfig) (httpapi.BankStore, io.Closer, error) {
	if cfg.RedisURL == "" {
		return membanks.New(membanks.Options{MaxBanks: cfg.MaxBanks, Retention: cfg.BankRetention}), io.NopCloser(nil), nil
	}
	rdb, err := redisbus.NewClient(cfg.RedisURL)
	if err != nil {
		return nil, nil, usagef("--redis-url ($REDIS_URL): %v", err)
	}
	return redisbanks.New(rdb, redisbanks.Options{MaxBanks: cfg.MaxBanks, Retention: cfg.BankRetention}), rdb, nil
}
