;redcode-94
;name Dwarf
;author the book, after A. K. Dewdney
;assert CORESIZE % 4 == 0
; A stone: it drops a DAT on every fourth cell of the core, one bomb a
; loop. As the core size is a multiple of 4, its bombs miss its first
; three cells for ever, and land on its own DAT, which changes nothing. A
; process that runs into a bomb dies.
        org     start
step    equ     4
start   add.ab  #step, bomb     ; move the target on by four cells
        mov.i   bomb, @bomb     ; drop the bomb where its B-field points
        jmp     start
bomb    dat     #0, #0
