## Tsunagari: English. Every key here must exist in ja.ftl too, with the same variables.

## Intake (person-facing)

intake-welcome =
    Hello, this is Tsunagari. Thank you for reaching out.
    Here you can talk by chat with a trained counselor about anything that weighs on you, such as loneliness, worries or things that are hard to say.

    Before we start:
    • This is not an emergency service. If your life or someone else's is in danger right now, please call 119 (ambulance) or 110 (police).
    • What you write is read only by the counselor who talks with you, and is deleted after a set time.
    • You do not need to give your name.

    Is it all right to continue?
option-consent = I agree, continue
option-decline = Not now
intake-language = Which language would you like to use?
option-lang_ja = 日本語
option-lang_en = English
intake-concern =
    Thank you. What would you like to talk about?
    Write it in your own words, as much or as little as you like.
intake-queued =
    Thank you for telling us. You are now waiting for a counselor, and we will connect you as soon as one is free.
    You can keep writing while you wait: the counselor will read it.
    If you want to stop waiting, send /end.
intake-declined =
    That is all right. You can come back at any time by sending /start.
    If you are in danger right now, please call 119 (ambulance) or 110 (police).
intake-choose-option = Please choose one of the buttons below.

## While waiting and connected (person-facing)

waiting-added = Thank you, I have added that for the counselor. You are still in line.
counselor-joined = A counselor has joined. Thank you for waiting. You can talk freely now.
counselor-left = The counselor has ended this conversation. Thank you for talking with us. If you want to talk again, send /start at any time.
person-left = You have left the conversation. Thank you for reaching out. If you want to talk again, send /start at any time.
text-too-long = That message is too long for me (up to { $limit } characters). Could you send it in shorter parts?
error-try-again = Sorry, something went wrong on our side. Please send that again in a moment.
unsupported-media = Sorry, I can only read text messages here. Could you write it in words?
help =
    Tsunagari connects you with a counselor by chat.
    /start: begin, or show the current question again
    /end: stop waiting, or end the conversation
    /help: this message
    If you are in danger right now, please call 119 (ambulance) or 110 (police).

command-start = Begin, or show the current question again
command-help = How this works
command-end = Stop waiting, or end the conversation

## Counselor-facing

counselor-help =
    Counselor commands:
    /online: start taking conversations
    /next: take the person who has waited longest
    /end: end the current conversation
    /offline: stop taking conversations
counselor-now-online = You are online. People waiting: { $waiting }. Send /next to take the next person.
counselor-now-offline = You are offline. Thank you for your work.
counselor-end-first = You are in a conversation. Please /end it before going offline.
counselor-not-online = You are offline. Send /online first.
counselor-busy = You are already in a conversation. Please /end it before taking the next person.
counselor-queue-empty = Nobody is waiting right now.
counselor-person-waiting = Someone is waiting to talk ({ $waiting } waiting). Send /next to take them.
counselor-summary = You are now connected. Intake summary:
counselor-summary-waiting = Written while waiting:
counselor-no-conversation = You are not in a conversation. Send /next to take the next person.
counselor-ended = You ended the conversation.
counselor-person-left = The person has left the conversation.
summary-language = Language
summary-concern = What they want to talk about
summary-waited = Waited
duration-minutes = { $minutes } min
language-name-ja = Japanese
language-name-en = English

## Web chat and console (interface labels)

ui-title = Tsunagari chat
ui-placeholder = Write a message
ui-send = Send
ui-connecting = Connecting…
ui-reconnecting = Connection lost. Reconnecting…
ui-you = You
ui-counselor = Counselor
ui-bot = Tsunagari
console-title = Tsunagari counselor console
console-online = Go online
console-offline = Go offline
console-next = Take next
console-end = End conversation
console-waiting = Waiting
console-no-conversation = No conversation. Go online and take the next person.
console-status-online = Online
console-status-offline = Offline
console-summary = Intake summary
console-unknown-key = This console link is not valid. Ask your supervisor for a new one.
