## Tsunagari: English. Every key here must exist in ja.ftl too, with the same variables.

## Intake (person-facing)

intake-welcome =
    Hello, this is Tsunagari. Thank you for reaching out.
    Here you can talk by chat with a trained counselor about anything that weighs on you, such as loneliness, worries or things that are hard to say.

    Before we start:
    • This is not an emergency service. If your life or someone else's is in danger right now, please call 119 (ambulance) or 110 (police).
    • What you write is read only by the counselor who talks with you, and is deleted after a set time. { $channel ->
        [web] You can erase it yourself at any time with the "Erase" button at the top.
       *[other] You can erase it yourself at any time with /forget.
    }
    • You do not need to give your name.
    • At any step you can tap "Talk to a person now", or "Emergency" if you are not safe.

    Is it all right to continue?
option-consent = I agree, continue
option-decline = Not now
intake-language = Which language would you like to use?
option-lang_ja = 日本語
option-lang_en = English
intake-concern =
    Thank you. What would you like to talk about?
    Tap the closest one, or write it in your own words, as much or as little as you like.
option-cat_loneliness = Loneliness, no one to talk to
option-cat_dying = Wanting to die or disappear
option-cat_mind = How I feel, my mind
option-cat_family = Family and relationships
option-cat_violence = Violence or abuse
option-cat_school = School, bullying
option-cat_work = Work
option-cat_money = Money, living, housing
option-cat_other = Something else
intake-safety-dying =
    Thank you. We ask everyone this, because it matters:
    are you having thoughts of dying, or of ending your life?
option-dying_yes = Yes
option-dying_sometimes = Sometimes
option-dying_no = No
intake-safety-now =
    Thank you for telling me. That must be very hard.
    Are you safe right now? Tell me if something dangerous could happen soon: hurting yourself, or someone hurting you.
option-safe_yes = I am safe for now
option-safe_no = I am not safe
intake-region =
    If you like, tell me which prefecture you live in (a city or ward too, if you want), for example "Osaka" or "Yokohama".
    This helps us find services near you. You can skip it.
option-region_skip = Skip
intake-region-unknown = Sorry, I could not tell which prefecture that is. Could you write its name, like "Tokyo" or "Fukuoka"? You can also skip.
intake-help-mode = How would you like us to help?
option-help_talk = Talk with a counselor
option-help_info = Information about services
option-help_both = Both
option-human_now = Talk to a person now
option-emergency = Emergency: I am not safe
intake-queued =
    Thank you for telling us. You are now waiting for a counselor, and we will connect you as soon as one is free.
    You can keep writing while you wait: the counselor will read it.
    { $channel ->
        [web] If you want to stop waiting, tap "End" at the top.
       *[other] If you want to stop waiting, send /end.
    }
intake-queued-with-info =
    Thank you for telling us. You are now waiting for a counselor, and we will connect you as soon as one is free.
    Meanwhile, these services may help with what you told us:
    { $services }
    You can keep writing while you wait: the counselor will read it. { $channel ->
        [web] To stop waiting, tap "End" at the top.
       *[other] To stop waiting, send /end.
    }
intake-queued-now =
    Of course. You are now waiting for a counselor, and we will connect you as soon as one is free.
    You can keep writing while you wait: the counselor will read it. { $channel ->
        [web] To stop waiting, tap "End" at the top.
       *[other] To stop waiting, send /end.
    }
intake-queued-emergency =
    I am putting you at the front of the line for a counselor now. Please stay with us.
    If you can, keep writing here: the counselor will read everything.
intake-referral =
    Here are services that may help with what you told us:
    { $services }
    If you would like to talk with someone here, tap "Talk to a person now" at any time.
intake-referral-more = Thank you. If you would like to talk with a counselor here, tap "Talk to a person now". { $channel ->
        [web] Tap "Start again" at the top to begin again.
       *[other] Send /start to begin again.
    }
intake-declined =
    That is all right. { $channel ->
        [web] You can come back at any time: just write here, or tap "Start again" at the top.
       *[other] You can come back at any time by sending /start.
    }
    If you are in danger right now, please call 119 (ambulance) or 110 (police).
intake-choose-option = Please choose one of the buttons below.
intake-restarted = All right, let us start again from the beginning.
intake-reminder = Are you still there? Take your time. When you are ready, you can answer the question above, or tap "Talk to a person now".
intake-expired = We have not heard from you for a while, so I have closed this for now. You are welcome back at any time: { $channel ->
        [web] just write here, or tap "Start again" at the top.
       *[other] just send /start.
    } If you are in danger, please call 119 or 110.
crisis-imminent =
    I am very worried about your safety. If you might act on this now, please call 119 (ambulance) or 110 (police) straight away.
    These lines answer at any hour (in Japanese, unless a line says otherwise):
    { $lines }
    { $later }
crisis-high =
    Thank you for telling me how painful this is. You do not have to carry it alone.
    If you ever need to talk at any hour, these lines are open (in Japanese, unless a line says otherwise):
    { $lines }
    { $later }
forget-confirm = Do you want to erase everything you have written here, and end this conversation? This cannot be undone.
option-forget_yes = Yes, erase it
option-forget_no = No, keep it
forget-done = Everything you wrote here has been erased. Thank you for reaching out. { $channel ->
        [web] You are welcome back at any time: just write here, or tap "Start again" at the top.
       *[other] You are welcome back at any time with /start.
    }
forget-kept = All right, nothing has been erased.
cancel-not-now = You are waiting for a counselor or talking with one, so I have not started again. { $channel ->
        [web] To stop, tap "End" at the top.
       *[other] To stop, send /end.
    }

## While waiting and connected (person-facing)

waiting-added = Thank you, I have added that for the counselor. You are still in line.
already-connected = You are talking with a counselor now: just write here.
counselor-joined = A counselor has joined. Thank you for waiting. You can talk freely now.
counselor-left = The counselor has ended this conversation. Thank you for talking with us. { $channel ->
        [web] If you want to talk again, just write here, or tap "Start again" at the top.
       *[other] If you want to talk again, send /start at any time.
    }
person-left = You have left the conversation. Thank you for reaching out. { $channel ->
        [web] If you want to talk again, just write here, or tap "Start again" at the top.
       *[other] If you want to talk again, send /start at any time.
    }
text-too-long = That message is too long for me (up to { $limit } characters). Could you send it in shorter parts?
error-try-again = Sorry, something went wrong on our side. Please send that again in a moment.
unsupported-media = Sorry, I can only read text messages here. Could you write it in words?
help =
    Tsunagari connects you with a counselor by chat.
    /start: begin, or show the current question again
    /talk: talk to a person now
    /emergency: you are not safe right now
    /cancel: start the questions again
    /forget: erase what you have written here
    /end: stop waiting, or end the conversation
    /help: this message
    If you are in danger right now, please call 119 (ambulance) or 110 (police).

command-start = Begin, or show the current question again
command-talk = Talk to a person now
command-emergency = Emergency: I am not safe
command-cancel = Start the questions again
command-forget = Erase what I have written
command-help = How this works
command-end = Stop waiting, or end the conversation

## Counselor-facing

counselor-help =
    Counselor commands:
    /online: start taking conversations (offers come with Accept and Pass buttons)
    /next: take the person who has waited longest
    /end [outcome] [note]: close the current conversation (without an outcome you are asked)
    /transfer <counselor or org/team> [note]: hand the conversation over, with a note
    /switch: write to your next conversation when you hold several
    /refer: send the person a service that fits (from the directory)
    /queue and /assign <ticket> <counselor>: (supervisors) see who waits; give a waiting person to a counselor of your organization
    /offline: stop taking conversations
counselor-now-online = You are online. People waiting in your languages: { $waiting }. Offers will come here; /next takes the next person yourself.
counselor-now-offline = You are offline. Thank you for your work.
counselor-end-first = You still hold a conversation. Please /end it or /transfer it before going offline.
counselor-not-online = You are offline. Send /online first.
counselor-busy = You are at your capacity. Please /end a conversation before taking the next person.
counselor-queue-empty = Nobody is waiting right now.
counselor-summary = You are now connected. Intake summary:
counselor-summary-waiting = Written while waiting:
counselor-no-conversation = You are not in a conversation. Send /next to take the next person.
counselor-ended = You closed the conversation ({ $outcome }).
counselor-person-left = The person has left the conversation.
summary-language = Language
summary-concern = What they want to talk about
summary-waited = Waited
duration-minutes = { $minutes } min
language-name-ja = Japanese
language-name-en = English
summary-risk = Risk (triage)
summary-categories = Topics
summary-reasons = Why (triage)
summary-region = Where
summary-help_mode = Wants
summary-thinking_of_dying = Thoughts of dying
summary-safe_now = Safe now
summary-notes = Also wrote during intake
summary-none = -
risk-imminent = IMMINENT
risk-high = high
risk-moderate = moderate
risk-low = low
counselor-risk-raised = Triage raised this person's risk to { $risk }. Why: { $reasons }
category-loneliness = loneliness
category-suicide = suicide
category-self_harm = self-harm
category-mental_health = mental health
category-domestic_violence = domestic violence
category-child_abuse = child abuse
category-bullying = bullying
category-sexual_violence = sexual violence
category-money = money
category-work = work
category-hikikomori = hikikomori (withdrawal)
category-elderly = older age
category-family = family
category-health = physical health
category-housing = housing
category-foreign_resident = foreign resident
category-lgbtq = LGBTQ
category-other = other

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

## Routing: waiting, offers, transfers, presence

waiting-place = You are number { $position } in line. The estimated wait is about { $minutes } minutes. You can keep writing here; the counselor will see it.
waiting-place-unknown = You are number { $position } in line. You can keep writing here; the counselor will see it.
waiting-closed-now =
    No counselor is available right now. I am sorry. These services are open now:
    { $services }
waiting-keep = A team opens { $opens }. You keep your place in line and will be connected then. You can leave the line at any time.
waiting-unstaffed = You keep your place in line and will be connected as soon as a counselor is free. You can leave the line at any time.
waiting-kept-anyway = No team is expected to open in the next hours, so please also contact one of the services above. You keep your place in line all the same, and can leave it at any time.
waiting-none-soon = No team opens in the next hours. Please contact one of the services above. You can write here again at any time.
waiting-requeued = We lost the connection with your counselor. I am sorry. You are back at the front of the line, and the next counselor will see what you wrote, so you do not need to repeat it.
waiting-transferred = Your counselor is passing you to a colleague who can help better with this. They will see what you have written, so you do not need to repeat yourself.
waiting-left = You have left the line. If you want to talk, write here again at any time.
waiting-services =
    Here are services for your concern that are open now:
    { $services }
    You have left the line. You can write here again at any time.
clock-today = today at { $time }
clock-tomorrow = tomorrow at { $time }
option-waiting_services = Services instead
option-waiting_leave = Leave the line
counselor-offer =
    Someone is waiting for you.
    Risk: { $risk }
    Concern: { $categories }
    Language: { $language }
    Prefecture: { $region }
    Accept within { $seconds } seconds, or pass it on.
option-offer_accept = Accept
option-offer_decline = Pass
counselor-declined = Passed on to the next counselor.
counselor-offer-gone = That offer is no longer open (it timed out, or the person left).
counselor-offer-missed = You missed an offer, so it went to the next counselor and you are paused. Send /online to receive offers again.
counselor-end-how = How did the conversation end? (You can also send /end <outcome> <note>.)
outcome-resolved = Resolved
outcome-referred = Referred to a service
outcome-person_left = The person left
outcome-no_response = No response
outcome-emergency_escalated = Escalated to emergency services
counselor-transfer-usage = Send /transfer <counselor id or organization/team> [note], while in a conversation.
counselor-transferred = Passed to { $to }. Thank you.
counselor-transfer-note = A colleague passed this conversation to you. Their note: { $note }
counselor-target-offline = They are not online now. Nothing changed.
counselor-target-full = They are at their capacity now. Nothing changed.
counselor-target-language = They do not speak this person's language. Nothing changed.
counselor-ticket-gone = That person is no longer waiting there. Nothing changed.
counselor-assign-other-org = You can assign only to counselors of your own organization.
counselor-line =
    Waiting now, most urgent first:
    { $rows }
counselor-assign-usage = Send /assign <ticket> <counselor>.
counselor-assigned = { $ticket } was given to { $to }.
counselor-switch-none = You have no other conversation.
counselor-switched = Your words now go to { $ticket }.
counselor-no-team = Your team ({ $team }) is not in the organizations file. Please ask an operator.
counselor-still-there = Are you still there? If there is no sign from you soon, your conversations go back to the line.
option-still_here = I am here
counselor-thanks-here = Thank you. You stay online.
counselor-vanished = There was no sign from you for { $minutes } minutes, so you were set offline and your conversations went back to the line. Send /online when you are back.
counselor-refer-pick = Services for this person's concern, region and language. Tap one to send its card:
counselor-refer-none = The directory has no service for this person's concern, region and language.
counselor-referred = Sent: { $service }. The referral is counted (service, concern, region only).
refer-open-now = open now
refer-closed-now = closed now
referral-card =
    Your counselor sent you a service that may help:
    { $card }
option-refer = Send this service

# person side (issue 16)

crisis-set-hours =
    In English, only at set hours (it may be closed now, and the hours may have changed):
    { $lines }
crisis-nobody-wait =
    No counselor is free to answer here right now. I am sorry. Please do not wait for us: call one of the 24-hour lines above now.
    { $front ->
        [yes] You are at the front of the line, and we will connect you as soon as a counselor comes online.
       *[other] You keep your place in line, and we will connect you as soon as a counselor comes online.
    }
    If you can, keep writing here: the counselor will read everything. You can leave the line at any time.
crisis-nobody-opens =
    No counselor is free to answer here right now. I am sorry. Please do not wait for us: call one of the 24-hour lines above now.
    A team opens { $opens }. { $front ->
        [yes] You are at the front of the line and will be connected then.
       *[other] You keep your place in line and will be connected then.
    }
    If you can, keep writing here: the counselor will read everything. You can leave the line at any time.
crisis-nobody-none-soon =
    No counselor can answer here in the next hours. I am sorry. Please do not wait for us: call one of the 24-hour lines above now.
    You can write here again at any time.
services-none-in-language = (None of the services we know of answers in English at this hour: these answer in Japanese.)
services-later-in-language =
    In English, only at set hours (closed now; the hours may have changed):
    { $services }
ui-actions = Conversation
ui-end = End
ui-restart = Start again
ui-forget = Erase
option-act_end = End the conversation
option-act_restart = Start again
option-act_forget = Erase what I wrote

# console (issue 16)
summary-not-told = (not told)
summary-reason-answer = their answer to a question
counselor-summary-so-far = The conversation so far, before it was passed to you:
console-paused = Paused
console-resume = Resume offers
console-paused-note = You missed an offer, so it went to the next counselor. You are paused: no offers come until you press Resume offers.
console-offer-missed = You missed an offer: it went to the next counselor. Press Resume offers when you are ready.
console-vanished = There was no sign from this console for { $minutes } minutes, so you were set offline and your conversations went back to the line. Go online when you are back.
console-offer-title = Someone is waiting for you.
console-offer-left = Answer within { $seconds } s
console-offer-risk-imminent = IMMINENT: may act on it now
console-offer-risk-high = High risk
console-offer-risk-moderate = Moderate risk
console-offer-risk-low = Low risk
console-notify-allow = Allow notifications
console-sound-on = Sound on
console-sound-off = Sound off
console-switch = Next conversation
console-erased = The person erased their data. Their words were removed from this console.
console-stopped = Not connected
