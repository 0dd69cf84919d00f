package codec_test

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"github.com/handover/handover/codec"
)

func TestPayloadCodecRoundTripRotationAndLegacy(t *testing.T) {
	t.Parallel()
	oldKey, newKey := codec.NewKey(), codec.NewKey()
	before, err := codec.NewKeyring(oldKey)
	require.NoError(t, err)
	after, err := codec.NewKeyring(newKey, oldKey)
	require.NoError(t, err)

	plain, err := converter.GetDefaultDataConverter().ToPayload(map[string]string{"name": "Ms Canary"})
	require.NoError(t, err)
	enc, err := (&codec.PayloadCodec{Keys: before}).Encode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.Equal(t, codec.MetadataEncoding, string(enc[0].Metadata[converter.MetadataEncoding]))
	require.Equal(t, before.CurrentKeyID(), string(enc[0].Metadata[codec.MetadataKeyID]))
	require.NotContains(t, string(enc[0].Data), "Canary")

	// After a rotation the old key still decodes, and new payloads use the new key.
	dec, err := (&codec.PayloadCodec{Keys: after}).Decode(enc)
	require.NoError(t, err)
	require.Equal(t, string(plain.Data), string(dec[0].Data))
	enc2, err := (&codec.PayloadCodec{Keys: after}).Encode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.NotEqual(t, before.CurrentKeyID(), string(enc2[0].Metadata[codec.MetadataKeyID]))
	_, err = (&codec.PayloadCodec{Keys: before}).Decode(enc2)
	require.ErrorIs(t, err, codec.ErrUnknownKey)
	require.ErrorContains(t, err, "key "+after.CurrentKeyID()+": encrypted with a key this process does not have: name that key in HANDOVER_ENCRYPTION_OLD_KEYS")
	require.Equal(t, []string{before.CurrentKeyID()}, after.OldKeyIDs(), "the processes log the keys they hold")
	require.Empty(t, before.OldKeyIDs())

	// Payloads written before encryption pass through.
	legacy, err := (&codec.PayloadCodec{Keys: after}).Decode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.Equal(t, plain, legacy[0])

	// Tampering is detected.
	enc[0].Data[len(enc[0].Data)-1] ^= 1
	_, err = (&codec.PayloadCodec{Keys: after}).Decode(enc)
	require.Error(t, err)
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(i)
	}
	for _, s := range []string{hex.EncodeToString(raw), codec.NewKey()} {
		k, err := codec.ParseKey(s)
		require.NoError(t, err, s)
		require.Len(t, k, 32)
	}
	for _, bad := range []string{"", "short", hex.EncodeToString(raw[:16]), strings.Repeat("z", 64)} {
		_, err := codec.ParseKey(bad)
		require.Error(t, err, bad)
	}
	// A key of the wrong length says how it was read, and how to make one.
	_, err := codec.ParseKey(hex.EncodeToString(raw[:16]))
	require.EqualError(t, err, "encryption key: 32 hex digits (16 bytes), want 64 (32 bytes): make one with openssl rand -hex 32, or -base64 32")
	_, err = codec.ParseKey(base64.StdEncoding.EncodeToString(raw[:24]))
	require.EqualError(t, err, "encryption key: 24 bytes read as base64, want 32: make one with openssl rand -base64 32")
}

func TestKeyFileIsCreatedOnceWithPrivateMode(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "data", "encryption.key")
	k1, err := codec.LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	k2, err := codec.LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	require.Equal(t, k1, k2)
	_, err = codec.NewKeyring(k1)
	require.NoError(t, err)
}

// The key is written whole before it appears under its name: processes starting together agree on
// one key, nothing is left beside it, and an empty file (a process killed between creating the file
// and writing the key, as an earlier version could be) is replaced by a key, not read as one.
func TestKeyFileIsWrittenWhole(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "encryption.key")
	keys := make([]string, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := codec.LoadOrCreateKeyFile(path)
			assert.NoError(t, err)
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys {
		require.Equal(t, keys[0], k, "one key for every process")
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")

	empty := filepath.Join(t.TempDir(), "encryption.key")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	k, err := codec.LoadOrCreateKeyFile(empty)
	require.NoError(t, err)
	_, err = codec.NewKeyring(k)
	require.NoError(t, err, "a key, not the empty file")
	again, err := codec.LoadOrCreateKeyFile(empty)
	require.NoError(t, err)
	require.Equal(t, k, again)
}

// A keyring told to report missing keys hears of each once a minute at most, by ID, whatever the
// number of payloads that need it.
func TestMissingKeyReported(t *testing.T) {
	t.Parallel()
	oldKey, newKey := codec.NewKey(), codec.NewKey()
	before, err := codec.NewKeyring(oldKey)
	require.NoError(t, err)
	after, err := codec.NewKeyring(newKey)
	require.NoError(t, err)
	var reported []string
	after.OnMissingKey(func(id string) { reported = append(reported, id) })

	plain, err := converter.GetDefaultDataConverter().ToPayload("Ms Canary")
	require.NoError(t, err)
	enc, err := (&codec.PayloadCodec{Keys: before}).Encode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	for range 3 {
		_, err = (&codec.PayloadCodec{Keys: after}).Decode(enc)
		require.ErrorIs(t, err, codec.ErrUnknownKey)
	}
	require.Equal(t, []string{before.CurrentKeyID()}, reported)
}
