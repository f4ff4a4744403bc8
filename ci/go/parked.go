// Parks N goroutines at once (1,000,000 unless the argument says otherwise),
// each blocked receiving from a channel of its own, and reports what one
// costs in resident memory: the same measurement as chapter 2's and
// chapter 11's `parked` examples, for Go. Run by ci/measure:
//
//	go run ci/go/parked.go 1000000
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// residentBytes reads this process's resident set size from /proc/self/statm.
func residentBytes() int64 {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		panic(err)
	}
	pages, err := strconv.ParseInt(strings.Fields(string(statm))[1], 10, 64)
	if err != nil {
		panic(err)
	}
	return pages * int64(os.Getpagesize())
}

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		var err error
		if n, err = strconv.Atoi(os.Args[1]); err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "usage: parked [GOROUTINES], a number at least 1")
			os.Exit(2)
		}
	}
	runtime.GC()
	before := residentBytes()
	start := time.Now()
	signals := make([]chan struct{}, n)
	var parked, finished sync.WaitGroup
	parked.Add(n)
	finished.Add(n)
	for i := range signals {
		signal := make(chan struct{})
		signals[i] = signal
		go func() {
			parked.Done()
			<-signal
			finished.Done()
		}()
	}
	parked.Wait()
	took := time.Since(start)
	after := residentBytes()
	fmt.Printf("%d goroutines started and parked in %.2f s\n", n, took.Seconds())
	fmt.Printf("resident memory: %.1f MiB more, %.0f bytes per parked goroutine\n",
		float64(after-before)/(1<<20), float64(after-before)/float64(n))
	for _, signal := range signals {
		close(signal)
	}
	finished.Wait()
	fmt.Printf("all %d woke and finished (%s)\n", n, runtime.Version())
}
