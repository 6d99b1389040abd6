"""`skm run`: one process for every configured chat app, its schedules and its HTTP server.

Telegram polls unless a webhook address is set; WhatsApp, and Telegram's webhook, are served
by one HTTP server beside /health. Reports are scheduled on PTB's JobQueue scheduler when
Telegram runs, otherwise on a scheduler of the same kind (APScheduler 3).
"""

import asyncio
import logging
import signal
from contextlib import AsyncExitStack, suppress
from typing import Any

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram.error import NetworkError, TimedOut

from bot.runtime import Runtime, open_runtime
from bot.scheduling import Flush, schedule_jobs
from bot.server import build_web_app
from bot.settings import Settings
from bot.telegram_app import ALLOWED_UPDATES, TelegramChannel, build_application
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.graph import GraphClient
from skm_core.content import Content

log = logging.getLogger(__name__)
POLL_TIMEOUT_SECONDS = 30
POLL_BACKOFF_SECONDS = 1.0


async def _stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _start_telegram(runtime: Runtime, stack: AsyncExitStack) -> tuple[Any, TelegramChannel]:
    settings = runtime.settings
    webhook = bool(settings.telegram_webhook_url)
    application, channel = build_application(
        settings, runtime.content, runtime.engine, runtime.pseudonyms
    )
    await application.initialize()
    stack.push_async_callback(application.shutdown)
    await channel.open(application)
    await application.start()
    stack.push_async_callback(application.stop)
    if webhook:
        secret = settings.telegram_webhook_secret
        await application.bot.set_webhook(
            settings.telegram_webhook_url,
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        await application.bot.delete_webhook()
        polling = asyncio.create_task(poll(application))
        stack.push_async_callback(_cancel, polling)
    return application, channel


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


async def poll(application: Any) -> None:
    """Long polling that confirms an update to Telegram only once it has been processed.

    PTB's own Updater confirms a batch as soon as it is fetched, so a crash loses whatever of
    the batch was not yet handled; here the offset moves past an update only after it is
    processed (its effect committed), and a crash means a redelivery, which the engine
    recognises by the update id.
    """
    offset: int | None = None
    failures = 0
    while True:
        try:
            updates = await application.bot.get_updates(
                offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES
            )
        except (TimedOut, NetworkError) as exc:
            failures += 1
            wait = min(POLL_BACKOFF_SECONDS * 2 ** min(failures, 6), 60.0)
            log.warning("polling Telegram failed (%s); trying again in %.0f s", exc, wait)
            await asyncio.sleep(wait)
            continue
        failures = 0
        for update in updates:
            await application.process_update(update)
            offset = update.update_id + 1


def _start_whatsapp(runtime: Runtime, stack: AsyncExitStack) -> WhatsAppChannel:
    settings = runtime.settings
    assert settings.whatsapp_access_token is not None  # checked by whatsapp_configured
    graph = GraphClient(
        settings.whatsapp_api_base_url,
        settings.whatsapp_phone_number_id or "",
        settings.whatsapp_access_token.get_secret_value(),
        settings.whatsapp_send_rate,
    )
    stack.push_async_callback(graph.close)
    channel = WhatsAppChannel(settings, runtime.content, runtime.engine, runtime.pseudonyms, graph)
    stack.push_async_callback(channel.drain)
    return channel


async def serve(settings: Settings, content: Content) -> None:
    runtime = await open_runtime(settings, content)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(runtime.close)
        flushes: list[Flush] = []
        application = None
        if settings.telegram_bot_token is not None:
            application, telegram = await _start_telegram(runtime, stack)
            flushes.append(telegram.flush)
        whatsapp = None
        if settings.whatsapp_configured:
            whatsapp = _start_whatsapp(runtime, stack)
            flushes.append(whatsapp.flush)
        if application is not None and application.job_queue is not None:
            scheduler = application.job_queue.scheduler
        else:
            scheduler = AsyncIOScheduler(timezone=runtime.engine.timezone)
            scheduler.start()
            stack.callback(scheduler.shutdown, wait=False)
        schedule_jobs(
            scheduler,
            runtime.engine,
            flushes,
            runtime.engine.timezone,
            settings.skm_outbox_interval_seconds,
        )
        queued = await runtime.engine.catch_up_reports()
        log.info("catch-up queued %d scheduled report(s)", queued)
        webhook_telegram = application if settings.telegram_webhook_url else None
        site = runtime.engine if settings.public_url else None
        if whatsapp is not None or webhook_telegram is not None or site is not None:
            web = build_web_app(settings, whatsapp, webhook_telegram, site)
            config = uvicorn.Config(
                web, host=settings.skm_http_host, port=settings.skm_http_port, log_level="info"
            )
            await uvicorn.Server(config).serve()
        else:
            await _stop_signal()


def run(settings: Settings, content: Content) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request at INFO, with the bot token in the address.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(serve(settings, content))
    return 0
