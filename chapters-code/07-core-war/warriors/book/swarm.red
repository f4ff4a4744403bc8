;redcode-94
;name Swarm
;author the book
; Processes, and nothing else. A process that runs `spl 0` queues the
; next instruction (a JMP back) and a new process at the SPL itself: a
; process at the SPL becomes two, one at the JMP stays one, so the count
; grows like the Fibonacci numbers (1, 2, 3, 5, 8, 13…, about 1.6 times a
; pass through the queue), up to the most a warrior may have (8000 by
; default). It attacks nobody. What
; it shows is that a warrior dies only with its last process: a bomb on
; its two cells kills one process each time one runs into it, so a swarm
; that is hit lives on until every one of its processes has done so.
top     spl     0, 0
        jmp     top
