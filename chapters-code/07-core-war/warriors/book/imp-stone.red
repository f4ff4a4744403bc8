;redcode-94
;name Imp Stone
;author the book
;assert CORESIZE == 8000
; Two warriors in one: a stone (as `stone.red`) and an imp, started side
; by side with SPL, each with half of the warrior's turns. The stone does
; the killing while it can: the imp walks away from it, all the way round
; the core, and after 8000 steps (16,000 cycles, as it has every other
; turn) it reaches the stone from behind and turns it into imps too. From
; then on the imps hold a tie, against anything that cannot kill them.
        org     start
step    equ     2668
start   spl     imp             ; the imp gets a process of its own
loop    add.ab  #step, ptr
        mov.i   bomb, @ptr
ptr     djn.b   loop, #0
bomb    dat     #0, #0
imp     mov.i   0, 1
