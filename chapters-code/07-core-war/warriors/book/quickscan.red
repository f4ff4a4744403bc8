;redcode-94
;name Quickscan
;author the book
;assert CORESIZE == 8000
; Looks at sixteen cells in its first instructions, two at a time and
; unrolled (no loop: it is faster to test than to count). An empty core
; compares equal everywhere, so SEQ skips the MOV that would note the
; place; a pair that differs holds something, and its place goes into
; `ptr`. Then, if it found something, it wipes 200 cells around the
; place; if not, it wipes the core from just past itself, like a clear.
        org     scan
gap     equ     100
scan    seq.i   scan + 1000, scan + 1000 + gap
        mov.ab  #scan + 1000 - ptr - 50, ptr
        seq.i   scan + 2000, scan + 2000 + gap
        mov.ab  #scan + 2000 - ptr - 50, ptr
        seq.i   scan + 3000, scan + 3000 + gap
        mov.ab  #scan + 3000 - ptr - 50, ptr
        seq.i   scan + 4000, scan + 4000 + gap
        mov.ab  #scan + 4000 - ptr - 50, ptr
        seq.i   scan + 5000, scan + 5000 + gap
        mov.ab  #scan + 5000 - ptr - 50, ptr
        seq.i   scan + 6000, scan + 6000 + gap
        mov.ab  #scan + 6000 - ptr - 50, ptr
        seq.i   scan + 7000, scan + 7000 + gap
        mov.ab  #scan + 7000 - ptr - 50, ptr
        seq.i   scan + 7500, scan + 7500 + gap
        mov.ab  #scan + 7500 - ptr - 50, ptr
        jmn.b   wipe, ptr       ; found something: ptr says where
        mov.ab  #2, ptr         ; nothing: start just past the code
        mov.ab  #CORESIZE - (bomb - scan + 1), count
wipe    mov.i   bomb, >ptr
count   djn.b   wipe, #200
        jmp     0
ptr     dat     #0, #0
bomb    dat     #0, #0
