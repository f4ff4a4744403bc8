;redcode-94
;name Scanner
;author the book
;assert CORESIZE == 8000
; A scanner looks before it shoots. It steps through the core 7 cells at a
; time, comparing each cell with an empty one (DAT.F $0, $0: what the
; core holds where nobody wrote); where the two differ, something is
; there, and it drops a bomb on it. One lap looks at every seventh cell,
; 1142 of them, from just past its own eight cells to cell 7995, five
; short of them; then it stops, one lap done.
        org     scan
step    equ     7
scan    add.ab  #step, ptr
        seq.i   empty, @ptr     ; the same as an empty cell: skip the bomb
        mov.i   bomb, @ptr      ; something there: bomb it
        djn.b   scan, #1142
        jmp     0               ; one lap done: wait
ptr     dat     #0, #3 - step   ; the first look is just past the code
bomb    dat     #0, #0
empty   dat     $0, $0
