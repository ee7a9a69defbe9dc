package loopback

import (
	"net"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary stand in for a program: with LOOPBACK_SERVE set it
// serves 200 on that address until killed.
func TestMain(m *testing.M) {
	if addr := os.Getenv("LOOPBACK_SERVE"); addr != "" {
		_ = http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func TestFreeAddrsAreLoopbackPortsThatCanBeListenedOn(t *testing.T) {
	addr := FreeAddr(t)
	host, _, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", host)
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err, "the port is free")
	l.Close()
}

// Start returns once the URL answers 200, and the program is gone after its test.
func TestStartWaitsForTheProgramToAnswerAndStopsItAfterTheTest(t *testing.T) {
	addr := FreeAddr(t)
	t.Run("serving", func(t *testing.T) {
		t.Setenv("LOOPBACK_SERVE", addr)
		Start(t, os.Args[0], "http://"+addr+"/")
		WaitReady(t, "http://"+addr+"/")
		resp, err := http.Get("http://" + addr + "/")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	_, err := http.Get("http://" + addr + "/")
	assert.Error(t, err, "the program is stopped when its test ends")
}
