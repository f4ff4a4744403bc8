;redcode-94
;name Clear
;author the book
;assert CORESIZE == 8000
; A core clear: it wipes the core cell by cell with DAT bombs, from just
; after its own code, once round (7995 cells: all but its own five), then
; waits. Slow to reach anything far away, but nothing escapes it that does
; not move: a warrior that stays put is wiped wherever it is.
        org     clear
clear   mov.i   bomb, >ptr      ; wipe the next cell, and move on
        djn.b   clear, #CORESIZE - 5
        jmp     0               ; the whole core is wiped: wait
ptr     dat     #0, #2          ; points just past the code
bomb    dat     #0, #0
